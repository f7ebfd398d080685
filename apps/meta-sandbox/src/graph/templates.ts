import { z } from 'zod';
import type { Waba } from '../state/world.js';
import { DEFAULT_TEMPLATE_FIELDS, TEMPLATE_FIELDS, type TemplateRecord } from '../templates/store.js';
import { templateStatusValue } from '../webhooks/payloads.js';
import { invalidParameter } from './errors.js';
import {
  decodeCursor,
  encodeCursor,
  type GraphRequest,
  intParam,
  param,
  pick,
  requestedFields,
} from './request.js';

/**
 * `GET /<WABA>/message_templates`: Meta's default fields, `fields`, `limit` (default 25),
 * `after`/`before` cursors, and `status`, `name`, `language`, `category` filters.
 */
export function listTemplates(request: GraphRequest, waba: Waba): Record<string, unknown> {
  const fields = requestedFields(request, TEMPLATE_FIELDS, 'WhatsAppBusinessHSM') ?? [
    ...DEFAULT_TEMPLATE_FIELDS,
  ];
  const limit = intParam(request, 'limit', 25, 1000);
  const filters = {
    status: upperList(param(request, 'status')),
    category: upperList(param(request, 'category')),
    language: stringList(param(request, 'language')),
    name: typeof param(request, 'name') === 'string' ? (param(request, 'name') as string) : null,
  };
  const matching = waba.templates
    .all()
    .filter(
      (t) =>
        (!filters.status || filters.status.includes(t.status)) &&
        (!filters.category || filters.category.includes(t.category)) &&
        (!filters.language || filters.language.includes(t.language)) &&
        (!filters.name || t.name.includes(filters.name)),
    );

  const after = param(request, 'after');
  const before = param(request, 'before');
  let start = 0;
  if (typeof after === 'string' && after !== '') start = decodeCursor(after, 'after') + 1;
  else if (typeof before === 'string' && before !== '')
    start = Math.max(0, decodeCursor(before, 'before') - limit);
  const page = matching.slice(start, start + limit);
  const data = page.map((t) => templateNode(t, fields));

  const paging: Record<string, unknown> = {};
  if (page.length > 0) {
    paging.cursors = { before: encodeCursor(start), after: encodeCursor(start + page.length - 1) };
    const link = (cursorKey: string, cursor: string) => {
      const url = new URL(`${request.baseUrl}/${request.version}/${waba.id}/message_templates`);
      for (const [key, value] of request.query)
        if (key !== 'after' && key !== 'before') url.searchParams.set(key, value);
      url.searchParams.set('limit', String(limit));
      url.searchParams.set(cursorKey, cursor);
      return url.toString();
    };
    if (start + page.length < matching.length)
      paging.next = link('after', encodeCursor(start + page.length - 1));
    if (start > 0) paging.previous = link('before', encodeCursor(start));
  }
  return { data, paging };
}

export function templateNode(template: TemplateRecord, fields: readonly string[]): Record<string, unknown> {
  return pick({ ...template, quality_score: { score: 'UNKNOWN' } } as Record<string, unknown>, fields);
}

/** `GET /<TEMPLATE_ID>` (`?fields=status` → `{"status":"APPROVED","id":…}`). */
export function getTemplate(request: GraphRequest, template: TemplateRecord): Record<string, unknown> {
  const fields = requestedFields(request, TEMPLATE_FIELDS, 'WhatsAppBusinessHSM') ?? [
    ...DEFAULT_TEMPLATE_FIELDS,
  ];
  return templateNode(template, fields);
}

function upperList(value: unknown): string[] | null {
  const list = stringList(value);
  return list ? list.map((item) => item.toUpperCase()) : null;
}

function stringList(value: unknown): string[] | null {
  if (typeof value !== 'string' || value.trim() === '') return null;
  return value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

// ---------------------------------------------------------------------------------------------
// Creating templates

const componentSchema = z.looseObject({
  type: z.string().transform((value) => value.toUpperCase()),
  text: z.string().optional(),
  format: z
    .string()
    .transform((value) => value.toUpperCase())
    .optional(),
});

const createSchema = z.looseObject({
  name: z
    .string({ error: 'is required' })
    .max(512, 'must be at most 512 characters')
    .regex(/^[a-z0-9_]+$/, 'may only contain lowercase letters, digits and underscores'),
  language: z.string({ error: 'is required' }).min(2, 'must be a language code such as en_US'),
  category: z
    .string({ error: 'is required' })
    .transform((value) => value.toUpperCase())
    .pipe(z.enum(['MARKETING', 'UTILITY', 'AUTHENTICATION'], 'must be MARKETING, UTILITY or AUTHENTICATION')),
  parameter_format: z
    .string()
    .transform((value) => value.toUpperCase())
    .pipe(z.enum(['POSITIONAL', 'NAMED'], 'must be positional or named'))
    .optional(),
  components: z
    .array(componentSchema, 'must be a list of components')
    .min(1, 'needs at least a BODY component')
    .refine((components) => components.some((c) => c.type === 'BODY'), 'needs a BODY component'),
});

/**
 * `POST /<WABA>/message_templates`: the template is created PENDING and approved after
 * `templateApprovalMs`, which a `message_template_status_update` webhook announces.
 */
export function createTemplate(request: GraphRequest, waba: Waba): Record<string, unknown> {
  const parsed = createSchema.safeParse(request.body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw invalidParameter(`${issue.path.join('.') || 'body'}: ${issue.message}`);
  }
  const input = parsed.data;
  if (waba.templates.find(input.name, input.language)) {
    throw invalidParameter(
      `Content in this language already exists for template ${input.name} (${input.language})`,
      {
        subcode: 2388024,
        userTitle: 'Content in This Language Already Exists',
        userMsg: `There's already ${input.language} content for this template. You can create a new template and try again.`,
      },
    );
  }
  const bodyText = input.components.find((c) => c.type === 'BODY')?.text ?? '';
  const format =
    input.parameter_format ?? (/\{\{[a-z_][a-z0-9_]*\}\}/.test(bodyText) ? 'NAMED' : 'POSITIONAL');
  const components = (request.body as { components: Array<Record<string, unknown>> }).components.map((c) => ({
    ...c,
    type: String(c.type).toUpperCase(),
    ...(typeof c.format === 'string' ? { format: c.format.toUpperCase() } : {}),
  }));
  const record = waba.templates.add({
    name: input.name,
    language: input.language,
    status: 'PENDING',
    category: input.category,
    parameter_format: format,
    components,
  });
  const { sandbox } = request;
  sandbox.changed();
  sandbox.later(sandbox.settings.templateApprovalMs, () => {
    if (record.status !== 'PENDING') return;
    waba.templates.setStatus(record, 'APPROVED');
    sandbox.changed();
    sandbox.emitWaba(
      waba,
      'message_template_status_update',
      templateStatusValue({
        event: 'APPROVED',
        id: record.id,
        name: record.name,
        language: record.language,
        category: record.category,
      }),
    );
  });
  return { id: record.id, status: 'PENDING', category: record.category };
}
