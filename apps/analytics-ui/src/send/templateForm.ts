import type { TemplateComponentDefinition, TemplateView } from '../api/types.js';

/**
 * A template's send form, built from its components as Meta lists them: one field per
 * placeholder (`{{1}}` or `{{first_name}}`) in the header and body, one for a media header's
 * link, one for a URL button's dynamic suffix or a copy-code button's code. The same fields
 * turn back into the Cloud API `components` the API checks.
 */

const PLACEHOLDER = /\{\{([1-9][0-9]*|[a-z_][a-z0-9_]*)\}\}/g;
const POSITIONAL = /^[1-9][0-9]*$/;

export type FieldKind = 'text' | 'image' | 'video' | 'document' | 'coupon_code';

export interface TemplateField {
  /** unique within the form: `body.first_name`, `header.1`, `header.media`, `button.0` */
  id: string;
  component: 'header' | 'body' | 'button';
  kind: FieldKind;
  /** the placeholder's name without braces, for text fields */
  placeholder: string | null;
  buttonIndex: number | null;
  label: string;
  example: string | null;
}

/** Distinct placeholders in order of first appearance. */
export function extractPlaceholders(text: string): string[] {
  const names: string[] = [];
  for (const match of text.matchAll(PLACEHOLDER)) {
    const name = match[1] as string;
    if (!names.includes(name)) names.push(name);
  }
  return names;
}

/** Positional placeholders go out in number order; named ones in order of appearance. */
function orderPlaceholders(names: string[]): string[] {
  return names.every((n) => POSITIONAL.test(n)) ? [...names].sort((a, b) => Number(a) - Number(b)) : names;
}

function component(template: TemplateView, type: string): TemplateComponentDefinition | undefined {
  return template.components.find((c) => c.type.toUpperCase() === type);
}

function examples(
  definition: TemplateComponentDefinition | undefined,
  prefix: 'body' | 'header',
): { positional: string[]; named: Record<string, string> } {
  const example = (definition?.example ?? {}) as Record<string, unknown>;
  const positionalRaw = example[`${prefix}_text`];
  const positional = Array.isArray(positionalRaw)
    ? ((Array.isArray(positionalRaw[0]) ? positionalRaw[0] : positionalRaw) as unknown[]).map(String)
    : [];
  const named: Record<string, string> = {};
  const namedRaw = example[`${prefix}_text_named_params`];
  if (Array.isArray(namedRaw)) {
    for (const entry of namedRaw as Array<{ param_name?: unknown; example?: unknown }>) {
      if (typeof entry?.param_name === 'string') named[entry.param_name] = String(entry.example ?? '');
    }
  }
  return { positional, named };
}

function exampleFor(ex: ReturnType<typeof examples>, name: string): string | null {
  if (POSITIONAL.test(name)) return ex.positional[Number(name) - 1] ?? null;
  return ex.named[name] ?? null;
}

function humanise(name: string): string {
  if (POSITIONAL.test(name)) return `{{${name}}}`;
  const words = name.replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const MEDIA_KINDS: Record<string, FieldKind> = { IMAGE: 'image', VIDEO: 'video', DOCUMENT: 'document' };

export function templateFields(template: TemplateView): TemplateField[] {
  const fields: TemplateField[] = [];
  const header = component(template, 'HEADER');
  if (header) {
    const format = (header.format ?? 'TEXT').toUpperCase();
    if (format === 'TEXT' && header.text) {
      const ex = examples(header, 'header');
      for (const name of orderPlaceholders(extractPlaceholders(header.text))) {
        fields.push({
          id: `header.${name}`,
          component: 'header',
          kind: 'text',
          placeholder: name,
          buttonIndex: null,
          label: `Header ${humanise(name)}`,
          example: exampleFor(ex, name),
        });
      }
    } else if (MEDIA_KINDS[format]) {
      const handle = (header.example as { header_handle?: unknown[] } | undefined)?.header_handle?.[0];
      fields.push({
        id: 'header.media',
        component: 'header',
        kind: MEDIA_KINDS[format] as FieldKind,
        placeholder: null,
        buttonIndex: null,
        label: `Header ${format.toLowerCase()} link (https://…)`,
        example: typeof handle === 'string' ? handle : null,
      });
    }
  }
  const body = component(template, 'BODY');
  if (body?.text) {
    const ex = examples(body, 'body');
    for (const name of orderPlaceholders(extractPlaceholders(body.text))) {
      fields.push({
        id: `body.${name}`,
        component: 'body',
        kind: 'text',
        placeholder: name,
        buttonIndex: null,
        label: humanise(name),
        example: exampleFor(ex, name),
      });
    }
  }
  const buttons = component(template, 'BUTTONS')?.buttons ?? [];
  buttons.forEach((button, index) => {
    const type = button.type.toUpperCase();
    if (type === 'URL' && button.url && extractPlaceholders(button.url).length > 0) {
      const ex = (button as { example?: unknown[] }).example?.[0];
      fields.push({
        id: `button.${index}`,
        component: 'button',
        kind: 'text',
        placeholder: extractPlaceholders(button.url)[0] ?? '1',
        buttonIndex: index,
        label: `End of the “${button.text ?? 'link'}” button’s address`,
        example: typeof ex === 'string' ? ex.replace(button.url.split('{{')[0] ?? '', '') : null,
      });
    } else if (type === 'COPY_CODE') {
      fields.push({
        id: `button.${index}`,
        component: 'button',
        kind: 'coupon_code',
        placeholder: null,
        buttonIndex: index,
        label: 'Coupon code (up to 15 characters)',
        example: null,
      });
    } else if (type === 'OTP') {
      fields.push({
        id: `button.${index}`,
        component: 'button',
        kind: 'text',
        placeholder: null,
        buttonIndex: index,
        label: 'One-time code',
        example: null,
      });
    }
  });
  return fields;
}

/** Fields still empty, or with text Meta refuses (line breaks, tabs, over four spaces in a row). */
export function fieldProblems(
  fields: TemplateField[],
  values: Record<string, string>,
): Record<string, string> {
  const problems: Record<string, string> = {};
  for (const field of fields) {
    const value = values[field.id] ?? '';
    if (!value.trim()) problems[field.id] = 'Fill this in.';
    else if (field.kind === 'text' && (/[\n\r\t]/.test(value) || / {5,}/.test(value)))
      problems[field.id] = 'No line breaks, tabs or more than four spaces in a row.';
    else if (['image', 'video', 'document'].includes(field.kind) && !/^https:\/\/\S+$/.test(value.trim()))
      problems[field.id] = 'A link starting with https://';
    else if (field.kind === 'coupon_code' && [...value.trim()].length > 15)
      problems[field.id] = 'At most 15 characters.';
  }
  return problems;
}

type Parameter = Record<string, unknown>;

function textParameter(field: TemplateField, value: string, named: boolean): Parameter {
  return named && field.placeholder
    ? { type: 'text', parameter_name: field.placeholder, text: value }
    : { type: 'text', text: value };
}

/** The Cloud API `template.components` for the filled form. */
export function buildComponents(
  template: TemplateView,
  values: Record<string, string>,
): Array<Record<string, unknown>> {
  const fields = templateFields(template);
  const named =
    template.parameter_format === 'NAMED' ||
    (template.parameter_format === null &&
      fields.some((f) => f.placeholder !== null && !POSITIONAL.test(f.placeholder)));
  const value = (field: TemplateField) => (values[field.id] ?? '').trim();
  const components: Array<Record<string, unknown>> = [];

  const headerFields = fields.filter((f) => f.component === 'header');
  if (headerFields.length > 0) {
    components.push({
      type: 'header',
      parameters: headerFields.map((field) =>
        field.kind === 'text'
          ? textParameter(field, value(field), named)
          : { type: field.kind, [field.kind]: { link: value(field) } },
      ),
    });
  }
  const bodyFields = fields.filter((f) => f.component === 'body');
  if (bodyFields.length > 0) {
    components.push({
      type: 'body',
      parameters: bodyFields.map((field) => textParameter(field, value(field), named)),
    });
  }
  for (const field of fields.filter((f) => f.component === 'button')) {
    components.push(
      field.kind === 'coupon_code'
        ? {
            type: 'button',
            sub_type: 'copy_code',
            index: String(field.buttonIndex),
            parameters: [{ type: 'coupon_code', coupon_code: value(field) }],
          }
        : {
            type: 'button',
            sub_type: 'url',
            index: String(field.buttonIndex),
            parameters: [{ type: 'text', text: value(field) }],
          },
    );
  }
  return components;
}

/** The message body the API takes for a template send. */
export function templateMessage(template: TemplateView, to: string, values: Record<string, string>) {
  const components = buildComponents(template, values);
  return {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to,
    type: 'template',
    template: {
      name: template.name,
      language: { code: template.language },
      ...(components.length > 0 ? { components } : {}),
    },
  };
}

export function textMessage(to: string, body: string) {
  return { messaging_product: 'whatsapp', recipient_type: 'individual', to, type: 'text', text: { body } };
}

export interface Preview {
  header: string | null;
  headerMedia: string | null;
  body: string;
  footer: string | null;
  buttons: string[];
}

/** What the customer will see, placeholders filled where the form has values. */
export function previewTemplate(template: TemplateView, values: Record<string, string>): Preview {
  const fill = (text: string, prefix: 'header' | 'body') =>
    text.replace(PLACEHOLDER, (whole, name: string) => values[`${prefix}.${name}`]?.trim() || whole);
  const header = component(template, 'HEADER');
  const format = (header?.format ?? 'TEXT').toUpperCase();
  return {
    header: header && format === 'TEXT' && header.text ? fill(header.text, 'header') : null,
    headerMedia: header && format !== 'TEXT' ? format.toLowerCase() : null,
    body: fill(component(template, 'BODY')?.text ?? '', 'body'),
    footer: component(template, 'FOOTER')?.text ?? null,
    buttons: (component(template, 'BUTTONS')?.buttons ?? []).map((b) => b.text ?? b.type),
  };
}

/** Only approved templates can be sent; the rest are counted so the page can say why they are missing. */
export function sendableTemplates(templates: TemplateView[], wabaId: string) {
  const own = templates.filter((t) => t.waba_id === wabaId);
  const approved = own.filter((t) => t.status.toUpperCase() === 'APPROVED');
  return {
    approved: approved.sort((a, b) => a.name.localeCompare(b.name) || a.language.localeCompare(b.language)),
    hidden: own.length - approved.length,
  };
}

export function templateKey(template: Pick<TemplateView, 'name' | 'language'>): string {
  return `${template.name}:${template.language}`;
}
