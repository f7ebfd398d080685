import { parseTemplateDefinition, type TemplateDefinition } from '@coexist/core';
import type { Keys, RedisClient } from '../redis.js';

const field = (name: string, language: string) => `${name}:${language}`;

/**
 * A WABA's templates as last listed from Meta (which rate-limits listing), kept current by
 * `message_template_status_update` webhooks between syncs.
 */
export class TemplateStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
  ) {}

  /** Replaces the whole cache with a fresh listing. */
  async replaceAll(
    wabaId: string,
    templates: readonly TemplateDefinition[],
    now = Date.now(),
  ): Promise<void> {
    const key = this.keys.templates(wabaId);
    const multi = this.redis.multi().del(key);
    for (const t of templates) multi.hset(key, field(t.name, t.language), JSON.stringify(t));
    multi.set(this.keys.templatesSyncedAt(wabaId), now);
    await multi.exec();
  }

  async list(wabaId: string): Promise<TemplateDefinition[]> {
    const all = await this.redis.hvals(this.keys.templates(wabaId));
    return all
      .map((raw) => parseTemplateDefinition(JSON.parse(raw)))
      .flatMap((result) => (result.ok ? [result.template] : []))
      .sort((a, b) => a.name.localeCompare(b.name) || a.language.localeCompare(b.language));
  }

  async syncedAt(wabaId: string): Promise<number | null> {
    const raw = await this.redis.get(this.keys.templatesSyncedAt(wabaId));
    return raw ? Number(raw) : null;
  }

  /**
   * A status webhook: the template changes status in place. Returns false when the template is
   * not cached (a new one): the caller should list the templates again.
   */
  async setStatus(
    wabaId: string,
    update: { name: string; language: string; status: string; templateId?: string },
  ): Promise<boolean> {
    const key = this.keys.templates(wabaId);
    const raw = await this.redis.hget(key, field(update.name, update.language));
    if (!raw) return false;
    const template = JSON.parse(raw) as TemplateDefinition;
    await this.redis.hset(
      key,
      field(update.name, update.language),
      JSON.stringify({ ...template, status: update.status.toUpperCase() }),
    );
    return true;
  }
}
