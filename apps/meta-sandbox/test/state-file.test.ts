/** With a state file, businesses, tokens and sync state survive a restart. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MetaClient, type MetaError } from '@coexist/meta-client';
import { afterAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../src/server.js';

const directory = mkdtempSync(join(tmpdir(), 'meta-sandbox-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('state file', () => {
  it('keeps tokens, numbers, templates and sync state across a restart', async () => {
    const stateFile = join(directory, 'state.json');
    const first = await startSandbox({ port: 0, stateFile, webhookUrl: '' });
    const created = await first.createBusiness({
      exchange: true,
      subscribe: true,
      history: { days: 3, messages_per_day: 2 },
    });
    const token = created.access_token!;
    let client = new MetaClient({ graphUrl: first.url });
    await client.requestSync(token, created.phone_number_id, 'smb_app_state_sync');
    await fetch(`${first.url}/__sandbox/wabas/${created.waba_id}/templates/hello_world/status`, {
      method: 'POST',
      body: JSON.stringify({ status: 'PAUSED' }),
    });
    await client.close();
    await first.close();

    const second = await startSandbox({ port: 0, stateFile, webhookUrl: '' });
    client = new MetaClient({ graphUrl: second.url });
    try {
      const number = await client.getPhoneNumber(token, created.phone_number_id);
      expect(number.isOnBizApp).toBe(true);
      const templates = await client.listAllTemplates(token, created.waba_id);
      expect(templates.find((t) => t.name === 'hello_world')?.status).toBe('PAUSED');
      const again = await client
        .requestSync(token, created.phone_number_id, 'smb_app_state_sync')
        .catch((e: unknown) => e);
      expect((again as MetaError).code).toBe(2593107);
    } finally {
      await client.close();
      await second.close();
    }
  });
});
