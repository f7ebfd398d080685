import { parseTemplateList } from '@coexist/core';
import type { ApiContext } from '../context.js';

/** Meta allows ~200 template listings per WABA per hour; one listing per minute is plenty. */
const MIN_INTERVAL_MS = 60_000;

/** Lists a WABA's templates from Meta (all pages) into the cache. Returns how many were kept. */
export async function syncTemplates(
  context: ApiContext,
  wabaId: string,
): Promise<{ count: number; skipped: number }> {
  const ids = await context.numbers.idsForWaba(wabaId);
  const numbers = (await Promise.all(ids.map((id) => context.numbers.get(id)))).filter((n) => n !== null);
  const number = numbers.find((n) => n.status === 'active') ?? numbers[0];
  if (!number) throw new Error(`no number of WABA ${wabaId} is bound`);
  const token = context.cipher.decrypt(number.sealedToken, wabaId);
  const listed = await context.meta.listAllTemplates(token, wabaId);
  const { templates, skipped } = parseTemplateList({ data: listed });
  await context.templates.replaceAll(wabaId, templates);
  if (skipped.length > 0)
    context.logger.warn({ wabaId, skipped }, 'templates Meta listed that we could not read');
  return { count: templates.length, skipped: skipped.length };
}

/** A template we do not know changed status: list again, at most once a minute per WABA. */
export async function scheduleTemplateSync(context: ApiContext, wabaId: string): Promise<void> {
  const gate = await context.redis.set(
    `${context.keys.templatesSyncedAt(wabaId)}:gate`,
    '1',
    'PX',
    MIN_INTERVAL_MS,
    'NX',
  );
  if (gate !== 'OK') return;
  syncTemplates(context, wabaId).catch((error) =>
    context.logger.warn({ err: error, wabaId }, 'template sync after a status webhook failed'),
  );
}
