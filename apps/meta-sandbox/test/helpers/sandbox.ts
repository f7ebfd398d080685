import { MetaClient, SANDBOX_DEFAULTS } from '@coexist/meta-client';
import type { SandboxOptions } from '../../src/options.js';
import { type SandboxHandle, startSandbox } from '../../src/server.js';
import { type Receiver, startReceiver } from './receiver.js';

/** Timings short enough for tests, long enough to keep the order of things. */
export const FAST_TIMINGS: SandboxOptions['timings'] = {
  templateApprovalMs: 100,
  statusBatchMs: 20,
  sentAfterMs: 10,
  deliveredAfterMs: 30,
  readAfterMs: 50,
  historyChunkIntervalMs: 2,
  mediaFollowUpDelayMs: 20,
  webhookTimeoutMs: 2_000,
  webhookRetryDelaysMs: [20, 50, 100, 200],
};

export interface TestSandbox {
  sandbox: SandboxHandle;
  receiver: Receiver;
  client: MetaClient;
  close(): Promise<void>;
}

/** Its own sandbox on a free port, with its own webhook receiver and Graph client. */
export async function startTestSandbox(options: SandboxOptions = {}): Promise<TestSandbox> {
  const receiver = await startReceiver({
    appSecret: options.appSecret ?? SANDBOX_DEFAULTS.appSecret,
    verifyToken: options.verifyToken ?? SANDBOX_DEFAULTS.verifyToken,
  });
  const sandbox = await startSandbox({
    port: 0,
    webhookUrl: receiver.url,
    seed: 'test-seed',
    ...options,
    timings: { ...FAST_TIMINGS, ...options.timings },
  });
  const client = new MetaClient({ graphUrl: sandbox.url, timeoutMs: 5_000 });
  return {
    sandbox,
    receiver,
    client,
    async close() {
      await client.close();
      await sandbox.close();
      await receiver.close();
    },
  };
}

/** A business that finished signup, with its token exchanged and the app subscribed, as the platform leaves it. */
export async function onboarded(
  t: TestSandbox,
  input: Parameters<SandboxHandle['createBusiness']>[0] = {},
): Promise<{ token: string; wabaId: string; phoneNumberId: string; businessId: string; digits: string }> {
  const created = await t.sandbox.createBusiness({
    history: { days: 20, messages_per_day: 4 },
    contacts: 8,
    ...input,
  });
  const token = await t.client.exchangeCode({
    appId: SANDBOX_DEFAULTS.appId,
    appSecret: SANDBOX_DEFAULTS.appSecret,
    code: created.code,
  });
  await t.client.subscribeApp(token.accessToken, created.waba_id);
  return {
    token: token.accessToken,
    wabaId: created.waba_id,
    phoneNumberId: created.phone_number_id,
    businessId: created.business_id,
    digits: created.display_phone_number.replace(/\D/g, ''),
  };
}
