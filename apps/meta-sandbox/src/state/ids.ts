import { randomBytes, randomInt } from 'node:crypto';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomAlphanumeric(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += ALPHANUMERIC[byte % ALPHANUMERIC.length];
  return out;
}

/** Graph object ids (WABA, phone number, business) are 15–16 digit numbers written as strings. */
export function graphObjectId(digits = 15): string {
  let id = String(randomInt(1, 10));
  while (id.length < digits) id += String(randomInt(0, 10));
  return id;
}

/**
 * Template ids travel as JSON numbers in `message_template_status_update`, so they stay below
 * 2^53 (9.007e15) to survive `JSON.parse` exactly.
 */
export function templateObjectId(): string {
  return String(randomInt(1, 9)) + graphObjectId(15).slice(0, 15);
}

/** A business token looks like Meta's: `EAA…`, long, alphanumeric. */
export function accessToken(): string {
  return `EAAP${randomAlphanumeric(150)}`;
}

/** The code `FB.login` hands to the page, exchanged server-side within its TTL. */
export function exchangeCode(): string {
  return `AQ${randomAlphanumeric(100)}`;
}

export function fbtraceId(): string {
  return randomBytes(17).toString('base64url').slice(0, 23);
}

export function syncRequestId(): string {
  return randomBytes(12).toString('hex');
}

export function conversationId(): string {
  return randomBytes(16).toString('hex');
}

const WAMID_TAIL_OUTBOUND = Buffer.from([0x15, 0x02, 0x00, 0x11, 0x18, 0x12]);
const WAMID_TAIL_INBOUND = Buffer.from([0x15, 0x02, 0x00, 0x12, 0x18, 0x14]);
const HEX = '0123456789ABCDEF';

/**
 * wamids in Meta's layout: base64 of a small protobuf-like record holding the other party's
 * number and a unique hex id (`wamid.HBgL…`). Outbound ids carry 18 hex characters, inbound
 * ones 20, as Meta's do.
 */
export function encodeWamid(counterpartyDigits: string, uniqueHex: string, inbound: boolean): string {
  const digits = Buffer.from(counterpartyDigits.slice(0, 20), 'latin1');
  const unique = Buffer.from(uniqueHex, 'latin1');
  const buffer = Buffer.concat([
    Buffer.from([0x1c, 0x18, digits.length]),
    digits,
    inbound ? WAMID_TAIL_INBOUND : WAMID_TAIL_OUTBOUND,
    unique,
    Buffer.from([0x00]),
  ]);
  return `wamid.${buffer.toString('base64')}`;
}

/** Unique wamids without a random draw per message: a random instance prefix and a counter. */
export class WamidFactory {
  private readonly prefix = randomBytes(4).toString('hex').toUpperCase();
  private counter = randomInt(0, 1 << 20);

  next(counterpartyDigits: string, inbound = false): string {
    this.counter += 1;
    const serial = this.counter.toString(16).toUpperCase().padStart(10, '0');
    const unique = inbound ? `3A${this.prefix}${serial}` : `${this.prefix}${serial}`;
    return encodeWamid(counterpartyDigits, unique, inbound);
  }
}

/** A hex string drawn from a seeded generator, for deterministic history wamids. */
export function hexFrom(next: () => number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i += 1) out += HEX[Math.floor(next() * 16)];
  return out;
}
