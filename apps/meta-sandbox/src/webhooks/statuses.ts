import type { StatusItem } from './payloads.js';

/**
 * `sent` → `delivered` → `read` for every accepted send, gathered per phone number and posted
 * as one `statuses[]` batch per tick, as Meta batches them. Each status kind has its own FIFO
 * per number: all messages wait the same time for a kind, so each queue stays in due order and
 * a tick only looks at what is due.
 */
export interface PendingStatus {
  due: number;
  item: StatusItem;
}

const KINDS = 3;
/** Meta: "at most 1000 updates per batch". */
export const MAX_STATUSES_PER_WEBHOOK = 1000;

class NumberQueues {
  readonly queues: PendingStatus[][] = Array.from({ length: KINDS }, () => []);
  readonly heads = new Array<number>(KINDS).fill(0);

  pending(): number {
    let count = 0;
    for (let k = 0; k < KINDS; k += 1) count += this.queues[k]!.length - this.heads[k]!;
    return count;
  }
}

export class StatusScheduler {
  private readonly numbers = new Map<string, NumberQueues>();
  private timer: NodeJS.Timeout | null = null;
  private total = 0;

  constructor(
    private readonly intervalMs: number,
    private readonly emit: (phoneNumberId: string, statuses: StatusItem[]) => void,
  ) {}

  /** Queues a status of kind 0 (sent), 1 (delivered) or 2 (read), due at `due` (real ms). */
  add(phoneNumberId: string, kind: 0 | 1 | 2, due: number, item: StatusItem): void {
    let queues = this.numbers.get(phoneNumberId);
    if (!queues) {
      queues = new NumberQueues();
      this.numbers.set(phoneNumberId, queues);
    }
    queues.queues[kind]!.push({ due, item });
    this.total += 1;
    if (!this.timer) {
      this.timer = setInterval(() => this.tick(), this.intervalMs);
      this.timer.unref();
    }
  }

  pending(): number {
    return this.total;
  }

  clear(): void {
    this.numbers.clear();
    this.total = 0;
    this.stop();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Emits everything due now; public so that tests and close() can flush. */
  tick(now = Date.now()): void {
    for (const [phoneNumberId, queues] of this.numbers) {
      const due: PendingStatus[] = [];
      for (let k = 0; k < KINDS; k += 1) {
        const queue = queues.queues[k]!;
        let head = queues.heads[k]!;
        while (head < queue.length && queue[head]!.due <= now) {
          due.push(queue[head]!);
          head += 1;
        }
        if (head === queue.length) {
          queue.length = 0;
          head = 0;
        } else if (head > 4096) {
          queue.splice(0, head);
          head = 0;
        }
        queues.heads[k] = head;
      }
      if (due.length === 0) continue;
      this.total -= due.length;
      if (queues.pending() === 0) this.numbers.delete(phoneNumberId);
      due.sort((a, b) => a.due - b.due);
      for (let i = 0; i < due.length; i += MAX_STATUSES_PER_WEBHOOK) {
        this.emit(
          phoneNumberId,
          due.slice(i, i + MAX_STATUSES_PER_WEBHOOK).map((pending) => pending.item),
        );
      }
    }
    if (this.total === 0) this.stop();
  }
}
