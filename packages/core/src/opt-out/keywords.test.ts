import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectOptOutKeyword, isOptOutErrorCode, OPT_OUT_ERROR_CODES } from './keywords.js';

/** Written out here rather than imported, so that a keyword dropped from the module fails the test. */
const OPT_OUT = [
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
  'OPT-OUT',
  'REMOVE ME',
  'PARAR',
  'BAJA',
  'DARSE DE BAJA',
  'ARRÊTER',
  'ARRETER',
  'STOPP',
  'ABMELDEN',
  'SAIR',
  'DESCADASTRAR',
  'CANCELAR',
];
const OPT_IN = ['START', 'UNSTOP', 'SUBSCRIBE', 'RESUBSCRIBE'];

describe('detectOptOutKeyword', () => {
  it.each(OPT_OUT)('%s opts out', (keyword) => expect(detectOptOutKeyword(keyword)).toBe('opt_out'));
  it.each(OPT_IN)('%s opts in', (keyword) => expect(detectOptOutKeyword(keyword)).toBe('opt_in'));

  it.each([
    'stop',
    'Stop.',
    '  STOP!!! ',
    '🛑 stop 🛑',
    '"Stop"',
    'Opt out',
    'opt_out',
    'Opt  -  Out',
    '¡Baja!',
    '¿Darse de baja?',
    'arrêter',
    'Arrêter',
    'SAÍR',
    'Stop all.',
    'stop\n',
  ])('%j opts out', (message) => expect(detectOptOutKeyword(message)).toBe('opt_out'));

  it.each([
    "don't stop",
    'stopwatch',
    'please stop by tomorrow',
    'stop it',
    'STOP STOP',
    's t o p',
    'nonstop',
    'cancel my order please',
    'end of the month sale?',
    'Unsubscribed',
    'yes',
    'YES',
    'si',
    'sí',
    'ok',
    '',
    '   ',
    '🛑',
    '!!!',
  ])('%j is not a keyword', (message) => expect(detectOptOutKeyword(message)).toBeNull());

  it('is null for a message without text', () => expect(detectOptOutKeyword(null)).toBeNull());

  const keyword = fc.constantFrom(
    ...OPT_OUT.map((k) => [k, 'opt_out'] as const),
    ...OPT_IN.map((k) => [k, 'opt_in'] as const),
  );
  const decoration = fc
    .array(
      fc.constantFrom(
        ' ',
        '  ',
        '\n',
        '\t',
        '.',
        '!',
        '?',
        '¡',
        '¿',
        '"',
        '*',
        '…',
        '🛑',
        '👋🏽',
        '❤️',
        '🙏',
        '-',
        '(',
        ')',
      ),
    )
    .map((parts) => parts.join(''));
  /** Combining marks a phone keyboard may add: acute, grave, circumflex, tilde, diaeresis, cedilla. */
  const accent = fc.constantFrom('', '', '\u0301', '\u0300', '\u0302', '\u0303', '\u0308', '\u0327');

  it('is the same whatever the case, accents and surrounding punctuation, emoji or spaces', () => {
    fc.assert(
      fc.property(
        keyword,
        fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }),
        fc.array(accent, { minLength: 30, maxLength: 30 }),
        decoration,
        decoration,
        fc.boolean(),
        ([word, intent], upper, accents, before, after, composed) => {
          const dressed = [...word]
            .map((char, i) => {
              const cased = upper[i] ? char.toUpperCase() : char.toLowerCase();
              return /\p{L}/u.test(char) ? cased + accents[i] : cased;
            })
            .join('');
          const message = `${before}${composed ? dressed.normalize('NFC') : dressed}${after}`;
          expect(detectOptOutKeyword(message)).toBe(intent);
        },
      ),
    );
  });

  it('never fires when the keyword is only part of a longer message', () => {
    const keywords = new Set([...OPT_OUT, ...OPT_IN]);
    const multiWord = new Set(
      [...OPT_OUT, ...OPT_IN].filter((k) => /[\s-]/.test(k)).map((k) => k.replace('-', ' ')),
    );
    const word = fc.string({
      unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'),
      minLength: 4,
      maxLength: 8,
    });
    fc.assert(
      fc.property(keyword, word, fc.boolean(), ([key], other, otherFirst) => {
        const phrase = otherFirst ? `${other} ${key}` : `${key} ${other}`;
        fc.pre(!multiWord.has(phrase.toUpperCase()) && !keywords.has(`${key}${other}`.toUpperCase()));
        expect(detectOptOutKeyword(phrase)).toBeNull();
        expect(detectOptOutKeyword(`${key}${other}`)).toBeNull();
      }),
    );
  });

  it('never throws on any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (message) => {
        const intent = detectOptOutKeyword(message);
        expect([null, 'opt_out', 'opt_in']).toContain(intent);
      }),
    );
  });
});

describe('opt-out error codes', () => {
  it('treats Meta’s 131050 as the user stopping marketing messages', () => {
    expect(OPT_OUT_ERROR_CODES).toEqual([131050]);
    expect(isOptOutErrorCode(131050)).toBe(true);
    expect(isOptOutErrorCode('131050')).toBe(true);
  });

  it.each([131047, 131049, 131026, 130429, 0, '131050x', '', null, undefined])(
    'does not treat %j as an opt-out',
    (code) => {
      expect(isOptOutErrorCode(code)).toBe(false);
    },
  );
});
