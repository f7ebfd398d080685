import { describe, expect, it } from 'vitest';
import { parseTemplateDefinition, type TemplateDefinition } from './definition.js';
import { extractPlaceholders, inferParameterFormat, templateParameterFormat } from './placeholders.js';

function definition(components: unknown[], extra: Record<string, unknown> = {}): TemplateDefinition {
  const parsed = parseTemplateDefinition({
    id: '1',
    name: 't',
    language: 'en',
    status: 'APPROVED',
    category: 'UTILITY',
    components,
    ...extra,
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.template;
}

describe('extractPlaceholders', () => {
  it('lists distinct placeholders in order of first appearance', () => {
    expect(extractPlaceholders('{{2}} then {{1}}, {{2}} again and {{10}}')).toEqual(['2', '1', '10']);
    expect(
      extractPlaceholders(
        'Your reservation for {{number_of_guests}} on {{day}}, {{date}}, at {{time}}, {{day}}',
      ),
    ).toEqual(['number_of_guests', 'day', 'date', 'time']);
  });

  it('ignores what Meta would not treat as a placeholder', () => {
    expect(extractPlaceholders('{{ 1 }} {{0}} {{First}} {{first-name}} {1} {{}} {{1a}}')).toEqual([]);
    expect(extractPlaceholders('No placeholders here')).toEqual([]);
  });

  it('keeps only the kind the template declares', () => {
    const text = '{{1}} and {{first_name}}';
    expect(extractPlaceholders(text, 'POSITIONAL')).toEqual(['1']);
    expect(extractPlaceholders(text, 'NAMED')).toEqual(['first_name']);
    expect(extractPlaceholders(text)).toEqual(['1', 'first_name']);
  });
});

describe('parameter format', () => {
  it('infers named from any named placeholder, positional otherwise', () => {
    expect(inferParameterFormat(['Hi {{first_name}}'])).toBe('NAMED');
    expect(inferParameterFormat(['Hi {{1}}', 'Code {{2}}'])).toBe('POSITIONAL');
    expect(inferParameterFormat(['Hello'])).toBe('POSITIONAL');
  });

  it('trusts parameter_format when the template has one', () => {
    const body = { type: 'BODY', text: 'Hi {{first_name}}' };
    expect(templateParameterFormat(definition([body]))).toBe('NAMED');
    expect(templateParameterFormat(definition([body], { parameter_format: 'POSITIONAL' }))).toBe(
      'POSITIONAL',
    );
    expect(
      templateParameterFormat(
        definition([{ type: 'BODY', text: 'Hi {{1}}' }], { parameter_format: 'named' }),
      ),
    ).toBe('NAMED');
  });

  it('looks at a text header too when inferring', () => {
    expect(
      templateParameterFormat(
        definition([
          { type: 'HEADER', format: 'TEXT', text: 'Hello {{name}}' },
          { type: 'BODY', text: 'No placeholders' },
        ]),
      ),
    ).toBe('NAMED');
  });
});
