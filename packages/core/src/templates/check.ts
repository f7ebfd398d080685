import {
  formatFieldPath,
  type OutboundTemplate,
  type TemplateComponent,
  type TemplateParameter,
} from '../messages/outbound.js';
import { allow, type RuleResult, refuse } from '../refusal.js';
import {
  type ParameterFormat,
  type TemplateButton,
  type TemplateDefinition,
  templateBody,
  templateButtons,
  templateHeader,
} from './definition.js';
import { extractPlaceholders, placeholderList, templateParameterFormat } from './placeholders.js';

export type TemplateRefusalCode =
  | 'template_not_found'
  | 'template_not_approved'
  | 'template_parameter_mismatch';

/** One way a send request does not fit its template. */
export interface TemplateProblem {
  component: 'header' | 'body' | 'button' | 'carousel' | 'limited_time_offer';
  /** The button's position in the template, for button problems. */
  index?: number;
  /** Where in the request, when the problem is at a place the marketer wrote. */
  field?: string;
  expected: string;
  got: string;
}

/** What a marketer should do about a template that is not approved, by status. */
const STATUS_ADVICE: Record<string, string> = {
  PENDING: 'Meta is still reviewing it; send it once it is approved',
  IN_APPEAL: 'its rejection is under appeal; send it once Meta approves it',
  REJECTED: 'Meta rejected it; edit it and submit it again, or use another template',
  PAUSED:
    'Meta paused it because recipients rated it poorly (Meta error 132015); edit it or wait until Meta unpauses it',
  DISABLED: 'Meta disabled it after repeated pauses (Meta error 132016); create a new template instead',
  FLAGGED: 'Meta flagged it for low quality; edit it so that Meta approves it again',
  LIMIT_EXCEEDED: 'the account has reached its template limit; delete unused templates',
  PENDING_DELETION: 'it is being deleted; use another template',
  DELETED: 'it was deleted; use another template',
  ARCHIVED: 'it is archived; unarchive it in WhatsApp Manager first',
  LOCKED: 'it is locked and cannot be sent; use another template',
};

/** The `sub_type` Meta expects for each template button kind; null where a button takes no parameters. */
const BUTTON_SUB_TYPE: Record<string, string | null> = {
  URL: 'url',
  // Authentication codes travel as the URL parameter of the OTP button.
  OTP: 'url',
  QUICK_REPLY: 'quick_reply',
  COPY_CODE: 'copy_code',
  FLOW: 'flow',
  CATALOG: 'catalog',
  MPM: 'mpm',
  SPM: 'spm',
  VOICE_CALL: 'voice_call',
  PHONE_NUMBER: null,
};

const BODY_PARAMETER_KINDS: ReadonlySet<string> = new Set(['text', 'currency', 'date_time']);
const HEADER_TEXT_PARAMETER_KINDS: ReadonlySet<string> = new Set(['text']);
const MEDIA_HEADER_FORMATS: ReadonlySet<string> = new Set(['IMAGE', 'VIDEO', 'DOCUMENT', 'LOCATION']);

/** Meta's limit for the code of a copy-code button. */
export const COUPON_CODE_MAX_CHARACTERS = 15;

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function kindOf(parameter: TemplateParameter): string {
  const article = /^[aeiou]/.test(parameter.type) ? 'an' : 'a';
  return `${article} ${parameter.type} parameter`;
}

function isBlank(text: string): boolean {
  return text.trim() === '';
}

/** Meta refuses parameter text with line breaks, tabs or more than four spaces in a row. */
function hasForbiddenWhitespace(text: string): boolean {
  return /[\n\r\t]/.test(text) || / {5,}/.test(text);
}

interface SentComponent<T extends TemplateComponent = TemplateComponent> {
  component: T;
  /** Position in `template.components`, for `field` paths. */
  position: number;
}

function parametersOf(sent: SentComponent | undefined): TemplateParameter[] {
  const parameters = (sent?.component as { parameters?: TemplateParameter[] } | undefined)?.parameters;
  return parameters ?? [];
}

function parameterField(sent: SentComponent, index: number, key?: string): string {
  return formatFieldPath([
    'template',
    'components',
    sent.position,
    'parameters',
    index,
    ...(key ? [key] : []),
  ]);
}

function componentField(sent: SentComponent): string {
  return formatFieldPath(['template', 'components', sent.position]);
}

/** Checks the parameters of a header or body text against its placeholders. */
function checkTextParameters(
  problems: TemplateProblem[],
  component: 'header' | 'body',
  placeholders: string[],
  format: ParameterFormat,
  sent: SentComponent | undefined,
  allowedKinds: ReadonlySet<string>,
): void {
  const parameters = parametersOf(sent);
  const kinds = [...allowedKinds].join(', ');

  if (placeholders.length === 0) {
    if (parameters.length > 0 && sent)
      problems.push({
        component,
        field: componentField(sent),
        expected: `no parameters (the template's ${component} has no placeholders)`,
        got: plural(parameters.length, 'parameter'),
      });
    return;
  }

  parameters.forEach((parameter, i) => {
    if (!sent) return;
    if (!allowedKinds.has(parameter.type)) {
      problems.push({
        component,
        field: parameterField(sent, i),
        expected: `a ${kinds} parameter`,
        got: kindOf(parameter),
      });
      return;
    }
    if (parameter.type === 'text') {
      if (isBlank(parameter.text))
        problems.push({
          component,
          field: parameterField(sent, i, 'text'),
          expected: 'non-empty text',
          got: 'empty text',
        });
      else if (hasForbiddenWhitespace(parameter.text))
        problems.push({
          component,
          field: parameterField(sent, i, 'text'),
          expected: 'text without line breaks, tabs or more than 4 spaces in a row',
          got: JSON.stringify(parameter.text),
        });
    }
  });

  if (format === 'POSITIONAL') {
    if (parameters.length !== placeholders.length)
      problems.push({
        component,
        ...(sent ? { field: formatFieldPath(['template', 'components', sent.position, 'parameters']) } : {}),
        expected: `${plural(placeholders.length, 'parameter')} for ${placeholderList(placeholders)}, in that order`,
        got: sent ? plural(parameters.length, 'parameter') : `no ${component} component`,
      });
    parameters.forEach((parameter, i) => {
      if (sent && parameter.parameter_name !== undefined)
        problems.push({
          component,
          field: parameterField(sent, i, 'parameter_name'),
          expected: 'no parameter_name (this template uses numbered placeholders such as {{1}})',
          got: `parameter_name ${JSON.stringify(parameter.parameter_name)}`,
        });
    });
    return;
  }

  const given = new Set<string>();
  parameters.forEach((parameter, i) => {
    if (!sent) return;
    const name = parameter.parameter_name;
    const field = parameterField(sent, i, 'parameter_name');
    if (name === undefined)
      problems.push({
        component,
        field,
        expected: `a parameter_name, one of ${placeholders.join(', ')}`,
        got: 'no parameter_name',
      });
    else if (!placeholders.includes(name))
      problems.push({
        component,
        field,
        expected: `a parameter_name the template has: ${placeholders.join(', ')}`,
        got: JSON.stringify(name),
      });
    else if (given.has(name))
      problems.push({
        component,
        field,
        expected: `${JSON.stringify(name)} only once`,
        got: 'it a second time',
      });
    given.add(name ?? '');
  });
  const missing = placeholders.filter((name) => !given.has(name));
  if (missing.length > 0)
    problems.push({
      component,
      ...(sent ? { field: formatFieldPath(['template', 'components', sent.position, 'parameters']) } : {}),
      expected: `a value for ${placeholderList(placeholders)}`,
      got: `none for ${placeholderList(missing)}`,
    });
}

function checkHeader(
  problems: TemplateProblem[],
  definition: TemplateDefinition,
  format: ParameterFormat,
  sent: SentComponent | undefined,
): void {
  const header = templateHeader(definition);
  if (!header) {
    if (sent)
      problems.push({
        component: 'header',
        field: componentField(sent),
        expected: 'no header component (the template has no header)',
        got: 'a header component',
      });
    return;
  }

  if (header.format === 'TEXT') {
    const placeholders = extractPlaceholders(header.text ?? '', format);
    checkTextParameters(problems, 'header', placeholders, format, sent, HEADER_TEXT_PARAMETER_KINDS);
    return;
  }
  if (!MEDIA_HEADER_FORMATS.has(header.format)) return;

  // A media header's example is only for review: every send supplies its own image, video, document or location.
  const kind = header.format.toLowerCase();
  const expected = `one ${kind} parameter (the template has a ${kind} header)`;
  const parameters = parametersOf(sent);
  const first = parameters[0];
  if (!sent) {
    problems.push({ component: 'header', expected, got: 'no header component' });
  } else if (parameters.length !== 1 || !first) {
    problems.push({
      component: 'header',
      field: componentField(sent),
      expected,
      got: plural(parameters.length, 'parameter'),
    });
  } else if (first.type !== kind) {
    problems.push({
      component: 'header',
      field: parameterField(sent, 0, 'type'),
      expected,
      got: kindOf(first),
    });
  } else if (kind !== 'location') {
    const media = (first as Record<string, unknown>)[kind] as { id?: unknown; link?: unknown } | undefined;
    if (!media || (media.id === undefined && media.link === undefined))
      problems.push({
        component: 'header',
        field: parameterField(sent, 0, kind),
        expected: `the ${kind}'s id or link`,
        got: 'neither',
      });
  }
}

function hasUrlSuffix(button: TemplateButton): boolean {
  return button.url !== undefined && /\{\{[^{}]+\}\}/.test(button.url);
}

/** What a button of the template needs at send time: null when it may be left out. */
function requiredButtonParameter(button: TemplateButton): string | null {
  if (button.type === 'URL' && hasUrlSuffix(button))
    return 'a "url" button component with 1 text parameter for the end of its URL';
  if (button.type === 'OTP') return 'a "url" button component with 1 text parameter carrying the code';
  if (button.type === 'COPY_CODE') return 'a "copy_code" button component with 1 coupon_code parameter';
  return null;
}

function buttonLabel(button: TemplateButton): string {
  return button.text ? `${button.type} button ${JSON.stringify(button.text)}` : `${button.type} button`;
}

function checkButtonParameters(
  problems: TemplateProblem[],
  index: number,
  button: TemplateButton,
  sent: SentComponent,
): void {
  const parameters = parametersOf(sent);
  const at = (expected: string, got: string, field = componentField(sent)) =>
    problems.push({ component: 'button', index, field, expected, got });
  const only = parameters.length === 1 ? parameters[0] : undefined;

  switch (button.type) {
    case 'URL':
    case 'OTP': {
      const needsText = button.type === 'OTP' || hasUrlSuffix(button);
      if (!needsText) {
        if (parameters.length > 0)
          at(
            `no parameters (the ${buttonLabel(button)} has a fixed URL)`,
            plural(parameters.length, 'parameter'),
          );
        return;
      }
      if (!only) at('1 text parameter', plural(parameters.length, 'parameter'));
      else if (only.type !== 'text') at('1 text parameter', kindOf(only), parameterField(sent, 0, 'type'));
      else if (isBlank(only.text)) at('non-empty text', 'empty text', parameterField(sent, 0, 'text'));
      return;
    }
    case 'COPY_CODE': {
      if (!only) at('1 coupon_code parameter', plural(parameters.length, 'parameter'));
      else if (only.type !== 'coupon_code')
        at('1 coupon_code parameter', kindOf(only), parameterField(sent, 0, 'type'));
      else if (isBlank(only.coupon_code))
        at('a non-empty code', 'an empty code', parameterField(sent, 0, 'coupon_code'));
      else if ([...only.coupon_code].length > COUPON_CODE_MAX_CHARACTERS)
        at(
          `a code of at most ${COUPON_CODE_MAX_CHARACTERS} characters`,
          `${[...only.coupon_code].length} characters`,
          parameterField(sent, 0, 'coupon_code'),
        );
      return;
    }
    case 'QUICK_REPLY': {
      if (!only) at('1 payload parameter', plural(parameters.length, 'parameter'));
      else if (only.type !== 'payload')
        at('1 payload parameter', kindOf(only), parameterField(sent, 0, 'type'));
      return;
    }
    case 'FLOW': {
      if (parameters.length > 1) at('at most 1 action parameter', plural(parameters.length, 'parameter'));
      else if (only && only.type !== 'action')
        at('an action parameter', kindOf(only), parameterField(sent, 0, 'type'));
      return;
    }
    default:
      return;
  }
}

function checkButtons(
  problems: TemplateProblem[],
  definition: TemplateDefinition,
  sentButtons: SentComponent[],
): void {
  const buttons = templateButtons(definition);
  const seen = new Set<number>();

  for (const sent of sentButtons) {
    const component = sent.component as Extract<TemplateComponent, { type: 'button' }>;
    const index = Number(component.index);
    const field = formatFieldPath(['template', 'components', sent.position, 'index']);
    if (seen.has(index)) {
      problems.push({
        component: 'button',
        index,
        field,
        expected: `one component for button ${index}`,
        got: 'two',
      });
      continue;
    }
    seen.add(index);
    const button = buttons[index];
    if (!button) {
      problems.push({
        component: 'button',
        index,
        field,
        expected:
          buttons.length === 0
            ? 'no button components (the template has no buttons)'
            : `a button index from 0 to ${buttons.length - 1}`,
        got: `index ${JSON.stringify(component.index)}`,
      });
      continue;
    }
    const subType = BUTTON_SUB_TYPE[button.type];
    if (subType === null) {
      problems.push({
        component: 'button',
        index,
        field: componentField(sent),
        expected: `no component: the ${buttonLabel(button)} takes no parameters`,
        got: `a ${JSON.stringify(component.sub_type)} button component`,
      });
      continue;
    }
    if (subType !== undefined && component.sub_type.toLowerCase() !== subType) {
      problems.push({
        component: 'button',
        index,
        field: formatFieldPath(['template', 'components', sent.position, 'sub_type']),
        expected: `sub_type ${JSON.stringify(subType)} (button ${index} is the ${buttonLabel(button)})`,
        got: JSON.stringify(component.sub_type),
      });
      continue;
    }
    checkButtonParameters(problems, index, button, sent);
  }

  buttons.forEach((button, index) => {
    const required = requiredButtonParameter(button);
    if (required && !seen.has(index))
      problems.push({
        component: 'button',
        index,
        expected: `${required} at index ${index} (the ${buttonLabel(button)})`,
        got: 'none',
      });
  });
}

function checkParameters(definition: TemplateDefinition, template: OutboundTemplate): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  const format = templateParameterFormat(definition);
  const sent = (template.components ?? []).map((component, position) => ({ component, position }));
  const ofType = (type: TemplateComponent['type']) => sent.filter((s) => s.component.type === type);

  for (const type of ['header', 'body'] as const) {
    const extra = ofType(type).slice(1);
    for (const duplicate of extra)
      problems.push({
        component: type,
        field: componentField(duplicate),
        expected: `one ${type} component`,
        got: 'another one',
      });
  }

  checkHeader(problems, definition, format, ofType('header')[0]);

  const body = templateBody(definition);
  const sentBody = ofType('body')[0];
  if (body) {
    const placeholders = extractPlaceholders(body.text, format);
    checkTextParameters(problems, 'body', placeholders, format, sentBody, BODY_PARAMETER_KINDS);
  } else if (sentBody) {
    problems.push({
      component: 'body',
      field: componentField(sentBody),
      expected: 'no body component (the template has no body)',
      got: 'a body component',
    });
  }

  checkButtons(problems, definition, ofType('button'));

  // Not modelled part by part: they only have to exist in the template.
  for (const type of ['carousel', 'limited_time_offer'] as const) {
    const has = definition.components.some((c) => c.type === type.toUpperCase());
    for (const extra of has ? [] : ofType(type))
      problems.push({
        component: type,
        field: componentField(extra),
        expected: `no ${type} component (the template has none)`,
        got: `a ${type} component`,
      });
  }
  return problems;
}

function describeProblem(problem: TemplateProblem): string {
  const where =
    problem.field ??
    (problem.index !== undefined ? `${problem.component} ${problem.index}` : problem.component);
  return `${where}: expected ${problem.expected}, got ${problem.got}`;
}

/**
 * Whether a template send would be accepted by Meta as far as the template goes: it exists on
 * the account in exactly that language, it is approved, and every placeholder gets a value of
 * the right kind with nothing extra. Meta answers these with 132001, 132015/132016 and
 * 132000/132012/132018; we answer first, naming each problem.
 */
export function checkTemplateMessage(
  templates: readonly TemplateDefinition[],
  template: OutboundTemplate,
): RuleResult<TemplateDefinition, TemplateRefusalCode> {
  const { name } = template;
  const language = template.language.code;
  const sameName = templates.filter((t) => t.name === name);
  if (sameName.length === 0)
    return refuse(
      'template_not_found',
      `There is no template named "${name}" on this WhatsApp Business account. Check the name, or sync the templates if it was created recently.`,
      { name, language },
    );

  const translations = sameName.filter((t) => t.language === language);
  const definition = translations.find((t) => t.status === 'APPROVED') ?? translations[0];
  if (!definition) {
    const available = [...new Set(sameName.map((t) => t.language))].sort();
    return refuse(
      'template_not_found',
      `Template "${name}" has no "${language}" translation (Meta would answer 132001). It exists in ${available.join(', ')}; use one of those language codes or add the translation.`,
      { name, language, available_languages: available },
    );
  }

  if (definition.status !== 'APPROVED') {
    const advice = STATUS_ADVICE[definition.status] ?? 'only approved templates can be sent';
    return refuse(
      'template_not_approved',
      `Template "${name}" (${language}) is ${definition.status}, not APPROVED: ${advice}.`,
      { name, language, status: definition.status, template_id: definition.id },
    );
  }

  const problems = checkParameters(definition, template);
  if (problems.length > 0)
    return refuse(
      'template_parameter_mismatch',
      `Template "${name}" (${language}) does not fit the parameters sent: ${problems.map(describeProblem).join('; ')}.`,
      { name, language, template_id: definition.id, problems },
    );

  return allow(definition);
}
