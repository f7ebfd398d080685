import { readFileSync } from 'node:fs';
import type { Keys, RedisClient } from '../redis.js';

/** MessageStore's own transition script: the state only moves forward, or by compare-and-set. */
const MESSAGE_STATUS = readFileSync(new URL('../stores/message-status.lua', import.meta.url), 'utf8');

type StatusCommand = (
  key: string,
  state: string,
  now: number,
  expected: string,
  ...fieldValues: Array<string | number>
) => Promise<[number, string]>;

/**
 * The attempt marker a send writes right before its request leaves: `queued → sending` by
 * compare-and-set, and the attempt count, in one call of MessageStore's transition script (the
 * same command, defined once per connection), instead of a transition and an HINCRBY.
 */
export class SendAttempts {
  private readonly statusCommand: StatusCommand;

  constructor(
    redis: RedisClient,
    private readonly keys: Keys,
  ) {
    if (!('coexistMessageStatus' in redis))
      redis.defineCommand('coexistMessageStatus', { numberOfKeys: 1, lua: MESSAGE_STATUS });
    this.statusCommand = (
      redis as unknown as { coexistMessageStatus: StatusCommand }
    ).coexistMessageStatus.bind(redis);
  }

  /**
   * Marks attempt number `attempt` (the message's `attempts` as read, plus one). False when the
   * message was not `queued` any more: another sender has it.
   */
  async begin(messageId: string, attempt: number, now = Date.now()): Promise<boolean> {
    const [applied] = await this.statusCommand(
      this.keys.message(messageId),
      'sending',
      now,
      'queued',
      'attempts',
      attempt,
    );
    return applied === 1;
  }
}
