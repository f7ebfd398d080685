import { z } from 'zod';
import { type FieldIssue, formatFieldPath } from '../messages/outbound.js';

/**
 * Message templates as `GET /<WABA_ID>/message_templates` returns them. Parsing is loose: Meta
 * adds fields and component kinds over time, and a template we cannot fully model must still be
 * found by name so that sending it is judged rather than reported as missing.
 *
 * Enumerations are upper-cased because the create request spells them in lower case
 * (`"category": "utility"`, `"type": "body"`) and the list in upper case.
 */

/** Statuses seen in template lists and `message_template_status_update` events; only APPROVED sends. */
export const TEMPLATE_STATUSES = [
  'APPROVED',
  'PENDING',
  'REJECTED',
  'PAUSED',
  'DISABLED',
  'IN_APPEAL',
  'PENDING_DELETION',
  'DELETED',
  'ARCHIVED',
  'LIMIT_EXCEEDED',
  'LOCKED',
  'FLAGGED',
] as const;

export const TEMPLATE_HEADER_FORMATS = ['TEXT', 'IMAGE', 'VIDEO', 'DOCUMENT', 'LOCATION'] as const;
export type TemplateHeaderFormat = (typeof TEMPLATE_HEADER_FORMATS)[number];

export type ParameterFormat = 'POSITIONAL' | 'NAMED';

const upperCase = z.string().transform((value) => value.toUpperCase());

const headerSchema = z.looseObject({
  type: z.literal('HEADER'),
  format: upperCase,
  text: z.string().optional(),
});

const bodySchema = z.looseObject({ type: z.literal('BODY'), text: z.string() });

const footerSchema = z.looseObject({ type: z.literal('FOOTER'), text: z.string().optional() });

const templateButtonSchema = z.looseObject({
  type: upperCase,
  text: z.string().optional(),
  url: z.string().optional(),
  phone_number: z.string().optional(),
});

const buttonsSchema = z.looseObject({ type: z.literal('BUTTONS'), buttons: z.array(templateButtonSchema) });

const MODELLED_COMPONENTS = ['HEADER', 'BODY', 'FOOTER', 'BUTTONS'];

/** CAROUSEL, LIMITED_TIME_OFFER and whatever Meta adds next: kept, not interpreted. */
const otherComponentSchema = z.looseObject({
  type: z.string().refine((type) => !MODELLED_COMPONENTS.includes(type)),
});

function upperCaseType(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const type = (value as { type?: unknown }).type;
  return typeof type === 'string' ? { ...value, type: type.toUpperCase() } : value;
}

const componentSchema = z.preprocess(
  upperCaseType,
  z.union([headerSchema, bodySchema, footerSchema, buttonsSchema, otherComponentSchema]),
);

export const templateDefinitionSchema = z.looseObject({
  // Webhooks carry the id as a number, the list as a string.
  id: z.union([z.string(), z.number()]).transform(String),
  name: z.string().min(1),
  language: z.string().min(1),
  status: upperCase,
  category: upperCase,
  parameter_format: z
    .string()
    .transform((value) => value.toUpperCase())
    .pipe(z.enum(['POSITIONAL', 'NAMED']))
    .optional(),
  components: z.array(componentSchema),
});

export type TemplateDefinition = z.output<typeof templateDefinitionSchema>;
export type TemplateDefinitionComponent = TemplateDefinition['components'][number];
export type TemplateHeader = z.output<typeof headerSchema>;
export type TemplateBody = z.output<typeof bodySchema>;
export type TemplateFooter = z.output<typeof footerSchema>;
export type TemplateButtons = z.output<typeof buttonsSchema>;
export type TemplateButton = z.output<typeof templateButtonSchema>;

export function templateHeader(template: TemplateDefinition): TemplateHeader | undefined {
  return template.components.find((c): c is TemplateHeader => c.type === 'HEADER');
}

export function templateBody(template: TemplateDefinition): TemplateBody | undefined {
  return template.components.find((c): c is TemplateBody => c.type === 'BODY');
}

export function templateButtons(template: TemplateDefinition): TemplateButton[] {
  return template.components.find((c): c is TemplateButtons => c.type === 'BUTTONS')?.buttons ?? [];
}

export type TemplateDefinitionResult =
  | { ok: true; template: TemplateDefinition }
  | { ok: false; issues: FieldIssue[] };

export function parseTemplateDefinition(value: unknown): TemplateDefinitionResult {
  const result = templateDefinitionSchema.safeParse(value);
  if (result.success) return { ok: true, template: result.data };
  return {
    ok: false,
    issues: result.error.issues.map((issue) => ({
      field: formatFieldPath(issue.path),
      message: issue.message,
    })),
  };
}

export interface SkippedTemplate {
  /** Position in `data`. */
  index: number;
  name: string | null;
  issues: FieldIssue[];
}

/**
 * Reads a `message_templates` list page. Entries that cannot be checked against (no language or
 * components, as with `?fields=name,status`) are skipped and reported, never guessed.
 */
export function parseTemplateList(body: unknown): {
  templates: TemplateDefinition[];
  skipped: SkippedTemplate[];
} {
  const data =
    typeof body === 'object' && body !== null && Array.isArray((body as { data?: unknown }).data)
      ? ((body as { data: unknown[] }).data as unknown[])
      : [];
  const templates: TemplateDefinition[] = [];
  const skipped: SkippedTemplate[] = [];
  data.forEach((entry, index) => {
    const parsed = parseTemplateDefinition(entry);
    if (parsed.ok) templates.push(parsed.template);
    else {
      const name = (entry as { name?: unknown } | null)?.name;
      skipped.push({ index, name: typeof name === 'string' ? name : null, issues: parsed.issues });
    }
  });
  return { templates, skipped };
}
