import type { ParameterFormat, TemplateDefinition } from './definition.js';
import { templateBody, templateHeader } from './definition.js';

/**
 * Meta's placeholders: `{{1}}`, `{{2}}`… (positional, from 1) or `{{first_name}}` (named:
 * lowercase letters, digits and underscores, not starting with a digit). Anything else between
 * braces is literal text to Meta, so it is to us.
 */
const PLACEHOLDER = /\{\{([1-9][0-9]*|[a-z_][a-z0-9_]*)\}\}/g;
const POSITIONAL = /^[1-9][0-9]*$/;

/** Distinct placeholder names in order of first appearance, without braces: `['1', '2']`, `['first_name']`. */
export function extractPlaceholders(text: string, format?: ParameterFormat): string[] {
  const names: string[] = [];
  for (const match of text.matchAll(PLACEHOLDER)) {
    const name = match[1]!;
    if (format === 'POSITIONAL' && !POSITIONAL.test(name)) continue;
    if (format === 'NAMED' && POSITIONAL.test(name)) continue;
    if (!names.includes(name)) names.push(name);
  }
  return names;
}

/** Meta does not allow mixing, so one named placeholder makes the template named. */
export function inferParameterFormat(texts: readonly string[]): ParameterFormat {
  return texts.some((text) => extractPlaceholders(text).some((name) => !POSITIONAL.test(name)))
    ? 'NAMED'
    : 'POSITIONAL';
}

/** The declared `parameter_format`, or the one the header and body texts imply (older lists omit it). */
export function templateParameterFormat(template: TemplateDefinition): ParameterFormat {
  if (template.parameter_format) return template.parameter_format;
  const header = templateHeader(template);
  const texts = [header?.format === 'TEXT' ? header.text : undefined, templateBody(template)?.text];
  return inferParameterFormat(texts.filter((text): text is string => text !== undefined));
}

export function placeholderList(names: readonly string[]): string {
  return names.map((name) => `{{${name}}}`).join(', ');
}
