import { randomBytes } from 'node:crypto';
import { QUEUE_NAMES } from '@coexist/storage';
import { Job, Worker } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { loadApiEnv } from '../src/env.js';
import { MAX_STALLS, type RunningApi, startApi } from '../src/server.js';
import { ADMIN_TOKEN, startTestApi, type TestApi } from './harness.js';

/**
 * An acknowledged webhook whose ingest job was running in an api that died, more than once: each
 * crash leaves the job active with a lock nobody renews, BullMQ finds it stalled and queues it
 * again. It must still end up ingested, never failed for having stalled.
 */
const NUMBER = '106540352241111';

let receiver: TestApi;
let owner: RunningApi | null = null;
afterAll(async () => {
  await owner?.close();
  await receiver?.close();
});

describe('an ingest job whose process died twice while running it', () => {
  it('is ingested once the next api takes it', async () => {
    // an api that receives webhooks but runs no worker (API_WORKERS=false): the job waits
    const encryptionKey = randomBytes(32).toString('base64');
    receiver = await startTestApi({ API_WORKERS: 'false', TOKEN_ENCRYPTION_KEY: encryptionKey });
    const body = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '102290129341111',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '15550001111', phone_number_id: NUMBER },
                messages: [
                  {
                    from: '16505551234',
                    id: 'wamid.STALLED',
                    timestamp: String(Math.floor(Date.now() / 1000)),
                    type: 'text',
                    text: { body: 'still here' },
                  },
                ],
              },
            },
          ],
        },
      ],
    });
    expect((await receiver.postWebhook(body)).status).toBe(200);

    // two api workers take the job and die with it (their lock lapses, nothing completes it); the
    // stalled check that finds it is an api worker's, with the api's stall limit
    const connection = receiver.api.context.queueConnection;
    const queue = receiver.api.context.queues.ingest;
    let jobId: string | undefined;
    for (let crash = 1; crash <= 2; crash++) {
      const doomed = new Worker(QUEUE_NAMES.ingest, null, {
        connection,
        prefix: receiver.prefix,
        lockDuration: 200,
        stalledInterval: 100,
        maxStalledCount: MAX_STALLS,
        autorun: false,
      });
      const job = await doomed.getNextJob(`crash-${crash}`);
      expect(job, `the job, taken by worker ${crash}`).toBeDefined();
      jobId = job!.id;
      // BullMQ's stalled check (as the next api's worker runs it) finds the job and queues it again
      await doomed.startStalledCheckTimer();
      const deadline = Date.now() + 10_000;
      while ((await Job.fromId(queue, jobId!))?.stalledCounter !== crash) {
        if (Date.now() > deadline) throw new Error(`the job was not found stalled after crash ${crash}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await doomed.close(true);
    }
    expect(await queue.getJobState(jobId!)).toBe('waiting');

    // the api that owns the store comes up and ingests it
    owner = await startApi({
      env: loadApiEnv({
        PORT: '0',
        REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
        REDIS_PREFIX: receiver.prefix,
        DATA_DIR: receiver.dataDir,
        ADMIN_TOKEN,
        TOKEN_ENCRYPTION_KEY: encryptionKey,
        LOG_LEVEL: 'silent',
      }),
      writer: { maxDelayMs: 5 },
    });
    const deadline = Date.now() + 20_000;
    let state = await queue.getJobState(jobId!);
    while (state !== 'completed' && state !== 'failed' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      state = await queue.getJobState(jobId!);
    }
    const job = await Job.fromId(queue, jobId!);
    expect(state, `failed: ${job?.failedReason}`).toBe('completed');
    await owner.writer.flush();
    const [row] = await owner.context.warehouse.raw<{ n: string }>(
      `SELECT count() AS n FROM ${owner.context.warehouse.table('raw_webhooks')}`,
      {},
    );
    expect(Number(row?.n)).toBe(1);
  });
});
