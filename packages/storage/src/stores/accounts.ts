import { randomBytes } from 'node:crypto';
import { generateApiKey, hashApiKey } from '../crypto/tokens.js';
import type { Keys, RedisClient } from '../redis.js';

export interface Account {
  id: string;
  name: string;
  createdAt: number;
}

export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('base64url')}`;
}

/** Accounts and their API keys. Only a SHA-256 of each key is stored; the key is shown once. */
export class AccountStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
  ) {}

  async create(name: string, now = Date.now()): Promise<{ account: Account; apiKey: string }> {
    const account: Account = { id: newId('acc'), name, createdAt: now };
    const apiKey = generateApiKey();
    // Two slots on a cluster, so no MULTI: the account first, then the key that reaches it.
    await this.redis.set(this.keys.account(account.id), JSON.stringify(account));
    await this.redis.set(this.keys.apiKey(hashApiKey(apiKey)), account.id);
    return { account, apiKey };
  }

  async get(accountId: string): Promise<Account | null> {
    const raw = await this.redis.get(this.keys.account(accountId));
    return raw ? (JSON.parse(raw) as Account) : null;
  }

  /** The account an API key belongs to, or null; constant work whatever the key. */
  async authenticate(apiKey: string): Promise<Account | null> {
    const accountId = await this.redis.get(this.keys.apiKey(hashApiKey(apiKey)));
    return accountId ? this.get(accountId) : null;
  }
}
