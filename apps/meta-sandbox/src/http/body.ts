import type { IncomingMessage } from 'node:http';

/** Larger than any Graph request the platform makes; a bigger body is refused, not buffered. */
export const MAX_BODY_BYTES = 1_000_000;

export type BodyResult = { ok: true; raw: string } | { ok: false; reason: 'too_large' | 'aborted' };

/** The whole request body as text, refusing bodies over `limit` bytes. */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<BodyResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        resolve({ ok: false, reason: 'too_large' });
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      resolve({
        ok: true,
        raw: chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8'),
      });
    });
    req.on('error', () => {
      if (done) return;
      done = true;
      resolve({ ok: false, reason: 'aborted' });
    });
  });
}

export type JsonResult = { ok: true; value: unknown } | { ok: false; problem: string };

/**
 * Parses a JSON body; an empty body reads as `{}` (Graph POSTs often have none). Form-encoded
 * bodies, which Graph also accepts, are read as flat objects whose JSON-looking values are parsed.
 */
export function parseJsonBody(raw: string, contentType: string | undefined): JsonResult {
  if (raw.trim() === '') return { ok: true, value: {} };
  if (contentType?.includes('application/x-www-form-urlencoded')) {
    const value: Record<string, unknown> = {};
    for (const [key, text] of new URLSearchParams(raw)) value[key] = parseLoose(text);
    return { ok: true, value };
  }
  try {
    return { ok: true, value: JSON.parse(raw) };
  } catch (error) {
    return { ok: false, problem: error instanceof Error ? error.message : 'not JSON' };
  }
}

function parseLoose(text: string): unknown {
  if (/^[[{]/.test(text.trim())) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
