import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { SIGNATURE_HEADER, signWebhookBody } from '@coexist/meta-client';

/**
 * Posts webhooks like Meta: signed with the app secret over the exact bytes sent, JSON, at
 * least once. Anything but a 2xx answer (or no answer in time) is retried after the next delay
 * of `retryDelaysMs`; after the last one the webhook is dropped, as Meta drops it after 7 days.
 * Bodies can be delivered twice on purpose (`duplicateRate`), and attempts can be failed on
 * purpose (`failureRate`), to prove the receiver deduplicates and retries are harmless.
 */
export interface DeliveryOptions {
  appSecret: () => string;
  concurrency: number;
  timeoutMs: number;
  retryDelaysMs: readonly number[];
  faults: () => { duplicateRate: number; failureRate: number };
  log: (line: string) => void;
}

interface Job {
  url: string;
  body: string;
  signature: string;
  field: string;
  attempt: number;
  duplicate: boolean;
  /** called once, when the webhook was delivered or given up */
  onSettled: (() => void) | undefined;
}

export interface DeliveryStats {
  enqueued: number;
  delivered: number;
  attempts: number;
  failed_attempts: number;
  retries: number;
  dropped: number;
  duplicates_sent: number;
  injected_failures: number;
  undeliverable: number;
  queued: number;
  in_flight: number;
  waiting_retry: number;
  by_field: Record<string, number>;
  last_error: string | null;
}

export class WebhookDelivery {
  private readonly queue: Job[] = [];
  private head = 0;
  private running = 0;
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private readonly idleWaiters: Array<() => void> = [];
  private closed = false;
  private readonly httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 256 });
  private readonly httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 256 });
  private counters = emptyStats();

  constructor(private readonly options: DeliveryOptions) {}

  /**
   * Signs and queues one webhook body for `url`; null `url` counts it as undeliverable.
   * `onSettled` runs once it was delivered, given up, or could not be sent at all.
   */
  enqueue(url: string | null, body: Record<string, unknown>, field: string, onSettled?: () => void): void {
    if (this.closed) return;
    this.counters.by_field[field] = (this.counters.by_field[field] ?? 0) + 1;
    if (!url) {
      this.counters.undeliverable += 1;
      onSettled?.();
      return;
    }
    const raw = JSON.stringify(body);
    this.counters.enqueued += 1;
    this.push({
      url,
      body: raw,
      signature: signWebhookBody(raw, this.options.appSecret()),
      field,
      attempt: 0,
      duplicate: false,
      onSettled,
    });
  }

  stats(): DeliveryStats {
    return {
      ...this.counters,
      by_field: { ...this.counters.by_field },
      queued: this.queue.length - this.head,
      in_flight: this.running,
      waiting_retry: this.retryTimers.size,
    };
  }

  /** Resolves once nothing is queued, in flight or waiting for a retry. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Forgets queued and waiting webhooks (reset); those in flight finish on their own. */
  clear(): void {
    this.queue.length = 0;
    this.head = 0;
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
    this.counters = emptyStats();
    this.checkIdle();
  }

  close(): void {
    this.closed = true;
    this.clear();
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private push(job: Job): void {
    this.queue.push(job);
    this.pump();
  }

  private pump(): void {
    while (!this.closed && this.running < this.options.concurrency && this.head < this.queue.length) {
      const job = this.queue[this.head]!;
      this.head += 1;
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
      this.running += 1;
      void this.attempt(job).finally(() => {
        this.running -= 1;
        this.pump();
        this.checkIdle();
      });
    }
  }

  private async attempt(job: Job): Promise<void> {
    this.counters.attempts += 1;
    const faults = this.options.faults();
    let problem: string | null = null;
    if (faults.failureRate > 0 && Math.random() < faults.failureRate) {
      this.counters.injected_failures += 1;
      problem = 'failure injected by the sandbox';
    } else {
      problem = await this.post(job);
    }
    if (problem === null) {
      this.counters.delivered += 1;
      if (!job.duplicate && faults.duplicateRate > 0 && Math.random() < faults.duplicateRate) {
        this.counters.duplicates_sent += 1;
        this.push({ ...job, attempt: 0, duplicate: true, onSettled: undefined });
      }
      job.onSettled?.();
      return;
    }
    this.counters.failed_attempts += 1;
    this.counters.last_error = `${job.field} to ${job.url}: ${problem}`;
    const delay = this.options.retryDelaysMs[job.attempt];
    if (delay === undefined || this.closed) {
      this.counters.dropped += 1;
      this.options.log(`webhook dropped after ${job.attempt + 1} attempts: ${this.counters.last_error}`);
      job.onSettled?.();
      return;
    }
    this.counters.retries += 1;
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      this.push({ ...job, attempt: job.attempt + 1 });
    }, delay);
    timer.unref();
    this.retryTimers.add(timer);
  }

  /** One POST; null when the receiver answered 2xx, else why not. */
  private post(job: Job): Promise<string | null> {
    return new Promise((resolve) => {
      let url: URL;
      try {
        url = new URL(job.url);
      } catch {
        resolve('not a valid URL');
        return;
      }
      const secure = url.protocol === 'https:';
      const send = secure ? httpsRequest : httpRequest;
      let settled = false;
      const finish = (problem: string | null) => {
        if (settled) return;
        settled = true;
        resolve(problem);
      };
      const req = send(
        url,
        {
          method: 'POST',
          agent: secure ? this.httpsAgent : this.httpAgent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(job.body),
            [SIGNATURE_HEADER]: job.signature,
            'user-agent': 'facebookexternalua',
          },
          timeout: this.options.timeoutMs,
        },
        (res: IncomingMessage) => {
          res.resume();
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            finish(status >= 200 && status < 300 ? null : `HTTP ${status}`);
          });
          res.on('error', (error) => finish(error.message));
        },
      );
      req.on('timeout', () => {
        req.destroy(new Error(`no answer within ${this.options.timeoutMs} ms`));
      });
      req.on('error', (error) => finish(error.message));
      req.end(job.body);
    });
  }

  private isIdle(): boolean {
    return this.head >= this.queue.length && this.running === 0 && this.retryTimers.size === 0;
  }

  private checkIdle(): void {
    if (!this.isIdle()) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}

function emptyStats(): Omit<DeliveryStats, 'queued' | 'in_flight' | 'waiting_retry'> & {
  queued: number;
  in_flight: number;
  waiting_retry: number;
} {
  return {
    enqueued: 0,
    delivered: 0,
    attempts: 0,
    failed_attempts: 0,
    retries: 0,
    dropped: 0,
    duplicates_sent: 0,
    injected_failures: 0,
    undeliverable: 0,
    queued: 0,
    in_flight: 0,
    waiting_retry: 0,
    by_field: {},
    last_error: null,
  };
}
