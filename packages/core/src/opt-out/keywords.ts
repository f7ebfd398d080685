/**
 * STOP-style replies. A keyword counts only when it is the whole message: "STOP" opts out,
 * "don't stop" and "please stop by tomorrow" do not. Keywords are stored as they look after
 * `normaliseKeywordText`: upper case, no accents, single spaces.
 */

export type OptOutIntent = 'opt_out' | 'opt_in';

export const OPT_OUT_KEYWORDS: readonly string[] = [
  // English, including the carrier-standard set (STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT).
  'STOP',
  'STOP ALL',
  'STOPALL',
  'UNSUBSCRIBE',
  'UNSUB',
  'CANCEL',
  'END',
  'QUIT',
  'OPT OUT',
  'OPTOUT',
  'REMOVE ME',
  // Spanish
  'PARAR',
  'DETENER',
  'BAJA',
  'DARSE DE BAJA',
  'DAR DE BAJA',
  'CANCELAR',
  'CANCELAR SUSCRIPCION',
  'DESUSCRIBIR',
  // Portuguese
  'PARE',
  'SAIR',
  'DESCADASTRAR',
  'DESINSCREVER',
  'CANCELAR INSCRICAO',
  // French
  'ARRETER',
  'ARRET',
  'DESABONNER',
  'DESINSCRIRE',
  'DESINSCRIPTION',
  // German, Scandinavian
  'STOPP',
  'ABMELDEN',
  'ABBESTELLEN',
  // Italian
  'DISISCRIVIMI',
  'CANCELLAMI',
  // Dutch
  'AFMELDEN',
  'UITSCHRIJVEN',
];

/**
 * Only words that cannot mean anything else in reply to a marketing message. YES and SI are left
 * out: they answer questions far more often than they resubscribe.
 */
export const OPT_IN_KEYWORDS: readonly string[] = ['START', 'UNSTOP', 'SUBSCRIBE', 'RESUBSCRIBE'];

const optOut = new Set(OPT_OUT_KEYWORDS);
const optIn = new Set(OPT_IN_KEYWORDS);

/**
 * Upper case without accents (É → E, via NFD and dropping combining marks), surrounding
 * punctuation, emoji and spaces removed, inner spaces, hyphens and underscores collapsed to one
 * space so that "opt-out" and "Opt  out" read as OPT OUT.
 */
export function normaliseKeywordText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '')
    .replace(/[\s_-]+/gu, ' ');
}

/** Whether a whole inbound text message is an opt-out or opt-in keyword, else null. */
export function detectOptOutKeyword(text: string | null): OptOutIntent | null {
  if (text === null) return null;
  const normalised = normaliseKeywordText(text);
  if (optOut.has(normalised)) return 'opt_out';
  if (optIn.has(normalised)) return 'opt_in';
  return null;
}

/** Meta's send error when the user has stopped marketing messages from this business. */
export const OPT_OUT_ERROR_CODES: readonly number[] = [131050];

export function isOptOutErrorCode(code: number | string | null | undefined): boolean {
  if (code === null || code === undefined) return false;
  const value = typeof code === 'number' ? code : /^\s*\d+\s*$/.test(code) ? Number(code) : Number.NaN;
  return OPT_OUT_ERROR_CODES.includes(value);
}
