import { MetaClient } from '@coexist/meta-client';
import type { Logger } from '@coexist/runtime';
import {
  AccountStore,
  AlertStore,
  BindingStore,
  ContactStateStore,
  createQueue,
  Keys,
  MessageStore,
  NumberStore,
  queueConnection,
  type RedisClient,
  SyncStore,
  TemplateStore,
  TokenCipher,
  TrafficLimiter,
} from '@coexist/storage';
import type { ConnectionOptions } from 'bullmq';
import type { Warehouse } from './clickhouse/warehouse.js';
import type { MetaSettings } from './env.js';

export interface ApiConfig {
  meta: MetaSettings;
  adminToken: string;
  unsupportedCallingCodes: string[];
  rateLimitPerSecond: number;
  webhookMaxBytes: number;
  uiDir: string | null;
  publicUrl: string | null;
  /** false for a receive-only api beside the one that owns an embedded ClickHouse */
  ownsStore?: boolean;
}

/** Everything a route or worker needs, built once by main.ts (or a test) and passed down. */
export interface ApiContext {
  config: ApiConfig;
  logger: Logger;
  redis: RedisClient;
  /** BullMQ needs its own connection options (a blocking connection per worker) */
  queueConnection: ConnectionOptions;
  /** cluster clients handed to BullMQ, closed with the context */
  ownedConnections: Array<{ quit(): Promise<unknown> }>;
  keys: Keys;
  warehouse: Warehouse;
  meta: MetaClient;
  cipher: TokenCipher;
  accounts: AccountStore;
  bindings: BindingStore;
  numbers: NumberStore;
  sync: SyncStore;
  alerts: AlertStore;
  contacts: ContactStateStore;
  templates: TemplateStore;
  messages: MessageStore;
  traffic: TrafficLimiter;
  queues: {
    ingest: ReturnType<typeof createQueue<'ingest'>>;
    send: ReturnType<typeof createQueue<'send'>>;
    bindings: ReturnType<typeof createQueue<'bindings'>>;
  };
}

export interface ContextInput {
  config: ApiConfig;
  logger: Logger;
  redis: RedisClient;
  redisUrl: string;
  redisCluster?: boolean;
  keyPrefix: string;
  warehouse: Warehouse;
  encryptionKey: string;
  metaTimeoutMs?: number;
}

export function createContext(input: ContextInput): ApiContext {
  const { redis, logger } = input;
  const keys = new Keys(input.keyPrefix);
  const workerConnection = queueConnection(input.redisUrl, { cluster: input.redisCluster });
  // Producers answer HTTP requests: with Redis away they must fail at once (503), not wait for it.
  const producerConnection = queueConnection(input.redisUrl, { cluster: input.redisCluster, producer: true });
  return {
    config: input.config,
    logger,
    redis,
    queueConnection: workerConnection,
    ownedConnections: [workerConnection, producerConnection].filter(
      (c): c is ConnectionOptions & { quit(): Promise<unknown> } =>
        typeof (c as { quit?: unknown }).quit === 'function',
    ),
    keys,
    warehouse: input.warehouse,
    meta: new MetaClient({
      graphUrl: input.config.meta.graphUrl,
      apiVersion: input.config.meta.apiVersion,
      timeoutMs: input.metaTimeoutMs ?? 10_000,
    }),
    cipher: new TokenCipher(input.encryptionKey),
    accounts: new AccountStore(redis, keys),
    bindings: new BindingStore(redis, keys),
    numbers: new NumberStore(redis, keys),
    sync: new SyncStore(redis, keys),
    alerts: new AlertStore(redis, keys),
    contacts: new ContactStateStore(redis, keys),
    templates: new TemplateStore(redis, keys),
    messages: new MessageStore(redis, keys),
    traffic: new TrafficLimiter(redis, keys),
    queues: {
      ingest: createQueue('ingest', producerConnection, keys, logger),
      send: createQueue('send', producerConnection, keys, logger),
      bindings: createQueue('bindings', producerConnection, keys, logger),
    },
  };
}

export async function closeContext(context: ApiContext): Promise<void> {
  await Promise.all(Object.values(context.queues).map((queue) => queue.close()));
  // on a cluster the queues share clients we made; BullMQ does not close what it was given
  for (const connection of context.ownedConnections) await connection.quit().catch(() => {});
  await context.meta.close();
}
