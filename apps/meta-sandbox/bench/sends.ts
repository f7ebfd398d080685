/**
 * How many sends per second the sandbox takes across 1,000 numbers, against a bare node:http
 * endpoint that answers a fixed JSON in the same run (the ceiling of this machine and load
 * generator). Both servers run in their own process pinned to one core when `taskset` exists;
 * the load generator (undici, many connections) runs here, on the other core.
 *
 * The machine is shared and noisy, so baseline and sandbox alternate for BENCH_ROUNDS rounds and
 * the medians are kept. Besides requests per second, the sandbox's CPU time is read from /proc:
 * sends per CPU-second is what "≥ 10,000 sends/s on one core" means when the load generator,
 * not the sandbox, is what runs out first.
 *
 * Writes `<repo>/bench/results/meta-sandbox.json`. Knobs: BENCH_DURATION_MS (default 5000), BENCH_ROUNDS (3),
 * BENCH_NUMBERS (1000), BENCH_CONNECTIONS (64), BENCH_IN_FLIGHT (256), BENCH_PIPELINING (1).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';

const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 5_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARMUP_MS = 1_500;
const NUMBERS = Number(process.env.BENCH_NUMBERS ?? 1_000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 256);
const PIPELINING = Number(process.env.BENCH_PIPELINING ?? 1);
const RECIPIENTS = 5_000;

const here = dirname(fileURLToPath(import.meta.url));
const packageRoot = resolve(here, '..', '..');
const mainScript = join(packageRoot, 'dist', 'main.js');

/** The baseline: node:http reading the body and answering a send-shaped JSON. */
const BASELINE = `
const { createServer } = require('node:http');
const answer = JSON.stringify({ messaging_product: 'whatsapp', contacts: [{ input: '+16505551234', wa_id: '16505551234' }], messages: [{ id: 'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBJGOTAxNzAxNDAwMDAwRUFEQzAA' }] });
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    Buffer.concat(chunks);
    res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(answer) });
    res.end(answer);
  });
});
server.keepAliveTimeout = 65000;
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening'));
`;

interface Target {
  url: string;
  /** path and authorization of each number */
  numbers: Array<{ path: string; authorization: string }>;
}

interface Run {
  requests: number;
  byStatus: Record<string, number>;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  cpuSeconds: number | null;
}

async function main(): Promise<void> {
  if (!existsSync(mainScript))
    throw new Error(`${mainScript} is missing: build the sandbox first (pnpm build)`);
  const pin = hasTaskset();
  const servers: ChildProcess[] = [];
  try {
    const baselinePort = await freePort();
    const baseline = start(['-e', BASELINE], { PORT: String(baselinePort) }, pin);
    servers.push(baseline);
    await waitForHealth(`http://127.0.0.1:${baselinePort}/`);

    const sandboxPort = await freePort();
    const sandbox = start(
      [mainScript],
      {
        SANDBOX_PORT: String(sandboxPort),
        SANDBOX_WEBHOOK_URL: 'http://127.0.0.1:9/unused',
        LOG_LEVEL: 'warn',
      },
      pin,
    );
    servers.push(sandbox);
    const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
    await waitForHealth(`${sandboxUrl}/healthz`);
    await post(`${sandboxUrl}/__sandbox/settings`, { status_webhooks: false });
    const numbers = await createNumbers(sandboxUrl);

    const baselineTarget: Target = {
      url: `http://127.0.0.1:${baselinePort}`,
      numbers: numbers.map((_, i) => ({
        path: `/v25.0/${100000000000000 + i}/messages`,
        authorization: 'Bearer x',
      })),
    };
    const sandboxTarget: Target = { url: sandboxUrl, numbers };

    await load(baselineTarget, WARMUP_MS, null);
    await load(sandboxTarget, WARMUP_MS, null);
    const baselineRuns: Run[] = [];
    const sandboxRuns: Run[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      baselineRuns.push(await load(baselineTarget, DURATION_MS, baseline.pid ?? null));
      sandboxRuns.push(await load(sandboxTarget, DURATION_MS, sandbox.pid ?? null));
    }
    const baselineRun = median(baselineRuns);
    const sandboxRun = median(sandboxRuns);
    const perCpu = (run: Run) => (run.cpuSeconds ? run.requests / run.cpuSeconds : null);
    const sandboxPerCpu = medianOf(sandboxRuns.map(perCpu));
    const baselinePerCpu = medianOf(baselineRuns.map(perCpu));
    const stats = (await (await fetch(`${sandboxUrl}/__sandbox/stats?numbers=false`)).json()) as {
      totals: { accepted: number; max_accepted_in_any_1s: number; rejected_by_code: Record<string, number> };
    };

    const accepted = sandboxRun.byStatus['200'] ?? 0;
    const result = {
      name: 'meta-sandbox',
      at: new Date().toISOString(),
      what: `template sends (hello_world) round-robin over ${NUMBERS} numbers, ${RECIPIENTS} recipients`,
      baseline: 'bare node:http endpoint answering a fixed send JSON, same load generator, same run',
      baseline_rps: round(baselineRun.rps),
      sandbox_rps: round(sandboxRun.rps),
      ratio: round(sandboxRun.rps / baselineRun.rps, 3),
      sandbox_accepted_rps: round((accepted / sandboxRun.requests) * sandboxRun.rps),
      sandbox_status_counts: sandboxRun.byStatus,
      sandbox_cpu_seconds: sandboxRun.cpuSeconds === null ? null : round(sandboxRun.cpuSeconds, 2),
      sandbox_sends_per_cpu_second: sandboxPerCpu === null ? null : round(sandboxPerCpu),
      baseline_requests_per_cpu_second: baselinePerCpu === null ? null : round(baselinePerCpu),
      per_cpu_ratio: sandboxPerCpu && baselinePerCpu ? round(sandboxPerCpu / baselinePerCpu, 3) : null,
      goal_sends_per_second_on_one_core: 10_000,
      meets_goal: (sandboxPerCpu ?? sandboxRun.rps) >= 10_000,
      rounds: {
        baseline_rps: baselineRuns.map((r) => round(r.rps)),
        sandbox_rps: sandboxRuns.map((r) => round(r.rps)),
      },
      baseline_latency_ms: { p50: baselineRun.p50Ms, p99: baselineRun.p99Ms },
      sandbox_latency_ms: { p50: sandboxRun.p50Ms, p99: sandboxRun.p99Ms },
      sandbox_max_accepted_in_any_1s: stats.totals.max_accepted_in_any_1s,
      sandbox_rejected_by_code: stats.totals.rejected_by_code,
      numbers: NUMBERS,
      duration_ms: DURATION_MS,
      connections: CONNECTIONS,
      in_flight: IN_FLIGHT,
      pipelining: PIPELINING,
      servers_pinned_to_one_core: pin,
      machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version },
    };
    const file = join(repoRoot(), 'bench', 'results', 'meta-sandbox.json');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(JSON.stringify(result, null, 2));
    console.log(`wrote ${file}`);
  } finally {
    for (const server of servers) server.kill('SIGTERM');
  }
}

/** Drives `target` for `durationMs` with IN_FLIGHT concurrent requests over CONNECTIONS sockets. */
async function load(target: Target, durationMs: number, pid: number | null): Promise<Run> {
  const pool = new Pool(target.url, {
    connections: CONNECTIONS,
    pipelining: PIPELINING,
    keepAliveTimeout: 60_000,
  });
  const bodies = Array.from({ length: RECIPIENTS }, (_, i) =>
    JSON.stringify({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: `+1650${String(5_550_000 + i)}`,
      type: 'template',
      template: { name: 'hello_world', language: { code: 'en_US' } },
    }),
  );
  const latencies = new Float64Array(4_000_000);
  const byStatus: Record<string, number> = {};
  let count = 0;
  let next = 0;
  const cpuBefore = cpuSeconds(pid);
  const started = performance.now();
  const end = started + durationMs;
  const worker = async () => {
    while (performance.now() < end) {
      const index = next++;
      const number = target.numbers[index % target.numbers.length]!;
      const sentAt = performance.now();
      const response = await pool.request({
        path: number.path,
        method: 'POST',
        headers: { authorization: number.authorization, 'content-type': 'application/json' },
        body: bodies[index % RECIPIENTS],
      });
      await response.body.dump();
      const status = String(response.statusCode);
      byStatus[status] = (byStatus[status] ?? 0) + 1;
      if (count < latencies.length) latencies[count] = performance.now() - sentAt;
      count += 1;
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const elapsed = performance.now() - started;
  const cpuAfter = cpuSeconds(pid);
  await pool.close();
  const sorted = latencies.slice(0, Math.min(count, latencies.length)).sort();
  return {
    requests: count,
    byStatus,
    rps: count / (elapsed / 1000),
    p50Ms: round(sorted[Math.floor(sorted.length * 0.5)] ?? 0, 2),
    p99Ms: round(sorted[Math.floor(sorted.length * 0.99)] ?? 0, 2),
    cpuSeconds: cpuBefore !== null && cpuAfter !== null ? cpuAfter - cpuBefore : null,
  };
}

/** Numbers that finished signup, with their tokens, created through the control API. */
async function createNumbers(url: string): Promise<Target['numbers']> {
  const numbers: Target['numbers'] = [];
  const batch = 20;
  for (let i = 0; i < NUMBERS; i += batch) {
    const created = await Promise.all(
      Array.from({ length: Math.min(batch, NUMBERS - i) }, () =>
        post(`${url}/__sandbox/businesses`, {
          exchange: true,
          history: { days: 1, messages_per_day: 0 },
          contacts: 0,
        }),
      ),
    );
    for (const business of created as Array<{ phone_number_id: string; access_token: string }>) {
      numbers.push({
        path: `/v25.0/${business.phone_number_id}/messages`,
        authorization: `Bearer ${business.access_token}`,
      });
    }
  }
  return numbers;
}

function start(args: string[], env: Record<string, string>, pin: boolean): ChildProcess {
  // Servers on core 1, the load generator (this process) on core 0.
  const command = pin ? 'taskset' : process.execPath;
  const argv = pin ? ['-c', '1', process.execPath, ...args] : args;
  if (pin) execFileSync('taskset', ['-cp', '0', String(process.pid)], { stdio: 'ignore' });
  const child = spawn(command, argv, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.stdout?.resume();
  return child;
}

function hasTaskset(): boolean {
  if (cpus().length < 2) return false;
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** User + system CPU seconds of a process, from /proc (null where there is none). */
function cpuSeconds(pid: number | null): number | null {
  if (pid === null) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return ticks / 100;
  } catch {
    return null;
  }
}

async function waitForHealth(url: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      const response = await fetch(url);
      await response.text();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function post(url: string, body: unknown): Promise<unknown> {
  const response = await fetch(url, { method: 'POST', body: JSON.stringify(body) });
  const json = await response.json();
  if (!response.ok) throw new Error(`${url}: ${JSON.stringify(json)}`);
  return json;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

function repoRoot(): string {
  let directory = process.cwd();
  while (!existsSync(join(directory, 'pnpm-workspace.yaml'))) {
    const parent = dirname(directory);
    if (parent === directory) return process.cwd();
    directory = parent;
  }
  return directory;
}

function median(runs: Run[]): Run {
  return [...runs].sort((a, b) => a.rps - b.rps)[Math.floor(runs.length / 2)]!;
}

function medianOf(values: Array<number | null>): number | null {
  const known = values.filter((value): value is number => value !== null).sort((a, b) => a - b);
  return known.length === 0 ? null : known[Math.floor(known.length / 2)]!;
}

function round(value: number, digits = 0): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
