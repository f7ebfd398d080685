import { randomInt } from 'node:crypto';

/**
 * Meta's verification handshake, run whenever a callback URL is set (app callback, WABA or
 * phone-number override): `GET <url>?hub.mode=subscribe&hub.challenge=<n>&hub.verify_token=<t>`
 * must answer 200 with exactly the challenge as its body.
 */
export async function verifyCallback(
  url: string,
  verifyToken: string,
  timeoutMs: number,
): Promise<{ ok: true } | { ok: false; problem: string }> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return { ok: false, problem: 'the callback URL is not a valid URL' };
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    return { ok: false, problem: 'the callback URL must be http(s)' };
  }
  const challenge = String(randomInt(1_000_000_000, 2_000_000_000));
  target.searchParams.set('hub.mode', 'subscribe');
  target.searchParams.set('hub.challenge', challenge);
  target.searchParams.set('hub.verify_token', verifyToken);
  try {
    const response = await fetch(target, {
      signal: AbortSignal.timeout(timeoutMs),
      headers: { 'user-agent': 'facebookplatform/1.0 (+http://developers.facebook.com)' },
    });
    const body = await response.text();
    if (response.status !== 200) {
      return {
        ok: false,
        problem: `HTTP Status Code = ${response.status}; HTTP Message = ${response.statusText}`,
      };
    }
    if (body.trim() !== challenge) {
      return { ok: false, problem: "The URL couldn't be validated. Response does not match challenge" };
    }
    return { ok: true };
  } catch (error) {
    const reason =
      error instanceof Error
        ? error.cause instanceof Error
          ? error.cause.message
          : error.message
        : 'unknown';
    return { ok: false, problem: `Couldn't connect to server (${reason})` };
  }
}
