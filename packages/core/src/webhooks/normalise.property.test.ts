import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadWebhookFixtures } from '../../test/meta-payloads.js';
import { normaliseWebhook, ROOT_PATH, UNEXPECTED_FAILURE } from './normalise.js';
import type { MessageRecord, NormalisedWebhook, StatusRecord } from './records.js';
import { KNOWN_FIELDS } from './schemas.js';

const RESULT_KEYS = [
  'messages',
  'statuses',
  'contacts',
  'historyChunks',
  'historyDeclined',
  'accountEvents',
  'templateStatuses',
  'alerts',
  'unknown',
  'invalid',
] as const;

/** What must hold for any input: a full result, sane paths, records that keep their promises. */
function expectWellFormed(result: NormalisedWebhook): void {
  expect(Object.keys(result).sort()).toEqual([...RESULT_KEYS].sort());
  for (const key of RESULT_KEYS) expect(Array.isArray(result[key]), key).toBe(true);
  for (const part of result.invalid) {
    expect(part.reason).not.toContain(UNEXPECTED_FAILURE);
    expect(part.reason.length).toBeGreaterThan(0);
    expect(part.path === ROOT_PATH || /^entry\[\d+\]/.test(part.path), part.path).toBe(true);
  }
  if (result.invalid.some(({ path }) => path === ROOT_PATH)) {
    // a body that is not an envelope yields that one part and nothing else
    expect(result.invalid).toHaveLength(1);
    for (const key of RESULT_KEYS) if (key !== 'invalid') expect(result[key]).toEqual([]);
  }
  for (const record of [...result.messages, ...result.statuses, ...result.contacts]) {
    expect(Number.isSafeInteger(record.timestamp) && record.timestamp >= 0).toBe(true);
  }
  for (const record of result.messages) {
    expect(record.contact.key.length).toBeGreaterThan(0);
    expect(record.textLength).toBe(record.text === null ? 0 : Array.from(record.text).length);
  }
}

// Small values keep each run cheap: depth and breadth come from the envelope's own nesting.
const json = fc.jsonValue({ maxDepth: 2 });
const list = <T>(item: fc.Arbitrary<T>) => fc.array(item, { maxLength: 4 });
const phone = fc.constantFrom('16505551234', '+16505551234', '15550783881', 'US.1234', '', 'x');
const timestamp = fc.oneof(
  fc.constantFrom('1739230955', '0', '-1', 'abc', ''),
  fc.integer(),
  fc.double(),
  json,
);
const messageish = fc.record(
  {
    from: fc.oneof(phone, json),
    from_user_id: fc.oneof(phone, json),
    to: phone,
    id: fc.oneof(fc.string(), json),
    timestamp,
    type: fc.constantFrom(
      'text',
      'image',
      'edit',
      'reaction',
      'revoke',
      'interactive',
      'media_placeholder',
      'odd',
    ),
    text: fc.oneof(fc.record({ body: fc.string() }), json),
    image: fc.oneof(fc.record({ id: fc.string(), caption: fc.string() }, { requiredKeys: [] }), json),
    edit: fc.record({ original_message_id: fc.string(), message: json }, { requiredKeys: [] }),
    reaction: fc.record({ message_id: fc.string(), emoji: fc.string() }, { requiredKeys: [] }),
    interactive: json,
    errors: list(fc.record({ code: fc.oneof(fc.constant(131060), fc.integer(), json) })),
    group_id: json,
    history_context: json,
  },
  { requiredKeys: [] },
);
const metadata = fc.oneof(
  fc.constant({ display_phone_number: '15550783881', phone_number_id: '106540352242922' }),
  json,
);
const value = fc.oneof(
  json,
  fc.record(
    {
      metadata,
      messages: list(fc.oneof(messageish, json)),
      message_echoes: list(messageish),
      smb_message_echoes: json,
      statuses: list(json),
      contacts: list(json),
      errors: list(json),
      state_sync: list(json),
      history: list(
        fc.record(
          {
            metadata: fc.oneof(fc.constant({ phase: 0, chunk_order: 1, progress: 50 }), json),
            threads: list(
              fc.record(
                { id: fc.oneof(phone, fc.string()), messages: list(messageish) },
                { requiredKeys: [] },
              ),
            ),
            errors: json,
          },
          { requiredKeys: [] },
        ),
      ),
      event: fc.oneof(fc.constantFrom('PARTNER_REMOVED', 'ACCOUNT_OFFBOARDED'), json),
      phone_number: fc.oneof(phone, json),
      waba_info: json,
      message_template_id: fc.oneof(fc.integer(), fc.double(), fc.string()),
    },
    { requiredKeys: [] },
  ),
);
const envelopeish = fc.record(
  {
    object: fc.oneof(fc.constant('whatsapp_business_account'), json),
    entry: list(
      fc.record(
        {
          id: fc.oneof(fc.string(), json),
          time: fc.oneof(fc.integer(), json),
          changes: list(
            fc.record(
              { field: fc.oneof(fc.constantFrom(...KNOWN_FIELDS, 'calls', 'constructor'), json), value },
              { requiredKeys: [] },
            ),
          ),
        },
        { requiredKeys: [] },
      ),
    ),
  },
  { requiredKeys: [] },
);

describe('normaliseWebhook never throws', () => {
  it('on any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (body) => {
        expectWellFormed(normaliseWebhook(body));
      }),
      { numRuns: 500 },
    );
  });

  it('on anything at all, JSON or not', () => {
    const anything = fc.anything({
      withBigInt: true,
      withBoxedValues: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withObjectString: true,
      withSparseArray: true,
      withTypedArray: true,
    });
    fc.assert(
      fc.property(anything, (body) => {
        expectWellFormed(normaliseWebhook(body));
      }),
      { numRuns: 500 },
    );
  });

  it('on bodies shaped almost like webhooks, and leaves them untouched', () => {
    fc.assert(
      fc.property(envelopeish, (body) => {
        const before = structuredClone(body);
        expectWellFormed(normaliseWebhook(body));
        expect(body).toEqual(before);
      }),
      { numRuns: 300 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Mutations of Meta's own examples

type Path = (string | number)[];

function nodesOf(json: unknown, path: Path = []): Path[] {
  const children: Path[] = [];
  if (Array.isArray(json)) {
    json.forEach((child, index) => {
      children.push([...path, index], ...nodesOf(child, [...path, index]));
    });
  } else if (typeof json === 'object' && json !== null) {
    for (const [key, child] of Object.entries(json)) {
      children.push([...path, key], ...nodesOf(child, [...path, key]));
    }
  }
  return children;
}

function nodeAt(json: unknown, path: Path): unknown {
  let node = json;
  for (const segment of path) node = (node as Record<string | number, unknown>)[segment];
  return node;
}

function isPrefix(prefix: Path, path: Path): boolean {
  return prefix.length <= path.length && prefix.every((segment, index) => path[index] === segment);
}

/** Messages and statuses in a body, found by walking Meta's shape (not by the normaliser). */
function itemsOf(body: unknown): { path: Path; id: string; kind: 'message' | 'status' }[] {
  const items: { path: Path; id: string; kind: 'message' | 'status' }[] = [];
  for (const path of nodesOf(body)) {
    const shape = path.map((segment) => (typeof segment === 'number' ? '#' : segment)).join('.');
    const kind =
      /^entry\.#\.changes\.#\.value\.(messages|message_echoes|smb_message_echoes)\.#$/.test(shape) ||
      /^entry\.#\.changes\.#\.value\.history\.#\.threads\.#\.messages\.#$/.test(shape)
        ? 'message'
        : /^entry\.#\.changes\.#\.value\.statuses\.#$/.test(shape)
          ? 'status'
          : null;
    if (kind) items.push({ path, id: (nodeAt(body, path) as { id: string }).id, kind });
  }
  return items;
}

/**
 * Whether a change at `changed` may rightly cost the item at `item`: it is the item, inside it,
 * above it, or a property of an object above it (metadata, thread id, entry id, field, …).
 * Anything else, such as a sibling item or another entry, must leave the item as it was.
 */
function mayAffect(body: unknown, changed: Path, item: Path): boolean {
  if (isPrefix(changed, item) || isPrefix(item, changed)) return true;
  const parent = changed.slice(0, -1);
  if (isPrefix(parent, item) && !Array.isArray(nodeAt(body, parent))) return true;
  // `value.metadata.phone_number_id` names the number every item of the change belongs to
  const metadata = changed.indexOf('metadata');
  return metadata > 0 && changed[metadata - 1] === 'value' && isPrefix(changed.slice(0, metadata), item);
}

function retype(value: unknown): unknown {
  if (typeof value === 'string') return value.length > 0 && /^\d+$/.test(value) ? Number(value) : 42;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 0;
  if (value === null) return {};
  if (Array.isArray(value)) return Object.fromEntries(value.map((item, index) => [String(index), item]));
  return Object.values(value as object);
}

function mutate(body: unknown, path: Path, operation: 'delete' | 'replace' | 'retype', replacement: unknown) {
  const copy = structuredClone(body);
  const parent = nodeAt(copy, path.slice(0, -1)) as Record<string | number, unknown>;
  const key = path[path.length - 1] as string | number;
  if (operation === 'delete') {
    if (Array.isArray(parent)) parent[key as number] = null;
    else delete parent[key];
  } else {
    parent[key] = operation === 'replace' ? replacement : retype(parent[key]);
  }
  return copy;
}

function sameMessage(a: MessageRecord, b: MessageRecord): boolean {
  return (
    a.wamid === b.wamid &&
    a.source === b.source &&
    a.direction === b.direction &&
    a.type === b.type &&
    a.timestamp === b.timestamp &&
    a.text === b.text &&
    a.isPlaceholder === b.isPlaceholder &&
    a.targetWamid === b.targetWamid
  );
}

function sameStatus(a: StatusRecord, b: StatusRecord): boolean {
  return a.wamid === b.wamid && a.status === b.status && a.timestamp === b.timestamp;
}

describe('normaliseWebhook on mutated Meta examples', () => {
  const fixtures = loadWebhookFixtures().map(({ file, body }) => {
    const items = itemsOf(body);
    const ids = items.map(({ id }) => id);
    // the property below finds items by wamid, so it needs them distinct within a body
    expect(new Set(ids).size, file).toBe(ids.length);
    return { file, body, nodes: nodesOf(body), items, original: normaliseWebhook(body) };
  });

  it('finds the messages and statuses the property relies on', () => {
    const counts = fixtures.map(({ items }) => items.length);
    expect(counts.reduce((sum, count) => sum + count, 0)).toBeGreaterThanOrEqual(20);
  });

  it('never throws, and every message or status the change did not touch comes out unchanged', () => {
    const mutation = fc.record({
      fixture: fc.nat({ max: fixtures.length - 1 }),
      node: fc.nat(),
      operation: fc.constantFrom('delete', 'replace', 'retype') as fc.Arbitrary<
        'delete' | 'replace' | 'retype'
      >,
      replacement: fc.jsonValue(),
    });
    fc.assert(
      fc.property(mutation, ({ fixture: index, node, operation, replacement }) => {
        const { body, nodes, items, original } = fixtures[index] as (typeof fixtures)[number];
        const changed = nodes[node % nodes.length] as Path;
        const result = normaliseWebhook(mutate(body, changed, operation, replacement));
        expectWellFormed(result);

        for (const item of items) {
          if (mayAffect(body, changed, item.path)) continue;
          if (item.kind === 'message') {
            const before = original.messages.find(({ wamid }) => wamid === item.id);
            if (!before) throw new Error(`${item.id} was not a record to begin with`);
            expect(
              result.messages.some((after) => sameMessage(after, before)),
              item.id,
            ).toBe(true);
          } else {
            const before = original.statuses.find(({ wamid }) => wamid === item.id);
            if (!before) throw new Error(`${item.id} was not a record to begin with`);
            expect(
              result.statuses.some((after) => sameStatus(after, before)),
              item.id,
            ).toBe(true);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('a broken sibling never costs the other messages of the same array', () => {
    // targeted: always break one history message and check the three others survive
    const history = fixtures.find(({ file }) => file === 'webhook-history-chunk.json');
    if (!history) throw new Error('no history fixture');
    const messages = history.items.filter(({ kind }) => kind === 'message');
    fc.assert(
      fc.property(fc.nat({ max: messages.length - 1 }), fc.jsonValue(), (broken, replacement) => {
        const target = messages[broken] as (typeof messages)[number];
        const result = normaliseWebhook(mutate(history.body, target.path, 'replace', replacement));
        expectWellFormed(result);
        for (const other of messages) {
          if (other === target) continue;
          expect(result.messages.map(({ wamid }) => wamid)).toContain(other.id);
        }
      }),
      { numRuns: 300 },
    );
  });
});
