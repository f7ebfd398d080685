/**
 * Meta's example webhook bodies from `fixtures/meta/payloads`, as the tests read them.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** packages/core/test/ → repository root → fixtures */
export const PAYLOADS_DIR = new URL('../../../fixtures/meta/payloads/', import.meta.url);

/** A bare `value` as Meta's docs print it; it needs an envelope to be a body. */
const BARE_VALUE_SUFFIX = '.value-verbatim.json';

/** The field and entry id to wrap bare values with, by file. */
const BARE_VALUE_ENVELOPES: Record<string, { field: string; entryId: string }> = {
  'webhook-history-declined-2593109.value-verbatim.json': { field: 'history', entryId: '102290129340398' },
};

export interface WebhookFixture {
  file: string;
  body: unknown;
}

/** Files whose top-level keys start with `_` describe a request; they are not bodies. */
export function isDescriptor(json: unknown): boolean {
  return typeof json === 'object' && json !== null && Object.keys(json).some((key) => key.startsWith('_'));
}

export function envelope(field: string, value: unknown, entryId = '102290129340398'): unknown {
  return { object: 'whatsapp_business_account', entry: [{ id: entryId, changes: [{ value, field }] }] };
}

/** Every `webhook-*.json` body, bare values wrapped in an envelope. */
export function loadWebhookFixtures(): WebhookFixture[] {
  const files = readdirSync(PAYLOADS_DIR)
    .filter((file) => file.startsWith('webhook-') && file.endsWith('.json'))
    .sort();
  if (files.length === 0) throw new Error(`no webhook fixtures in ${PAYLOADS_DIR.pathname}`);
  const fixtures: WebhookFixture[] = [];
  for (const file of files) {
    const json: unknown = JSON.parse(readFileSync(new URL(file, PAYLOADS_DIR), 'utf8'));
    if (isDescriptor(json)) continue;
    if (file.endsWith(BARE_VALUE_SUFFIX)) {
      const wrapping = BARE_VALUE_ENVELOPES[file];
      if (!wrapping) throw new Error(`${file}: a bare value needs an entry in BARE_VALUE_ENVELOPES`);
      fixtures.push({ file, body: envelope(wrapping.field, json, wrapping.entryId) });
    } else {
      fixtures.push({ file, body: json });
    }
  }
  return fixtures;
}

export function fixture(file: string): unknown {
  const found = loadWebhookFixtures().find((candidate) => candidate.file === file);
  if (!found) throw new Error(`no webhook fixture ${file}`);
  return structuredClone(found.body);
}
