/**
 * Why a rule says no: a stable snake_case code for programs, a sentence for people, and the
 * facts behind it. Every rule in this package answers with one of these instead of throwing.
 */
export interface Refusal<Code extends string = string> {
  code: Code;
  message: string;
  details?: Record<string, unknown>;
}

export type RuleResult<T, Code extends string = string> =
  | { ok: true; value: T }
  | { ok: false; refusal: Refusal<Code> };

export function allow<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

export function refuse<Code extends string>(
  code: Code,
  message: string,
  details?: Record<string, unknown>,
): { ok: false; refusal: Refusal<Code> } {
  return { ok: false, refusal: details ? { code, message, details } : { code, message } };
}
