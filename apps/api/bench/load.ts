import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { Pool } from 'undici';

export interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  non2xx: number;
  p50_ms: number;
  p99_ms: number;
}

/**
 * A closed loop of `connections` keep-alive connections posting bodies in turn for `seconds`,
 * like autocannon: each connection sends its next request when the previous one is answered.
 */
export async function postLoad(
  url: string,
  bodies: Array<{ body: string; headers: Record<string, string> }>,
  options: { connections?: number; seconds?: number } = {},
): Promise<LoadResult> {
  const { origin, pathname } = new URL(url);
  const connections = options.connections ?? 50;
  const pool = new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 30_000 });
  const deadline = performance.now() + (options.seconds ?? 10) * 1000;
  const latencies: number[] = [];
  let next = 0;
  let non2xx = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < deadline) {
        const item = bodies[next++ % bodies.length] as (typeof bodies)[number];
        const sent = performance.now();
        const response = await pool.request({
          path: pathname,
          method: 'POST',
          headers: item.headers,
          body: item.body,
        });
        await response.body.dump();
        latencies.push(performance.now() - sent);
        if (response.statusCode < 200 || response.statusCode >= 300) non2xx++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  latencies.sort((a, b) => a - b);
  const at = (p: number) =>
    Math.round(
      (latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0) * 10,
    ) / 10;
  return {
    requests: latencies.length,
    seconds,
    rps: Math.round(latencies.length / seconds),
    non2xx,
    p50_ms: at(50),
    p99_ms: at(99),
  };
}

/** Starts a Node script in its own process (the server under test gets a core of its own). */
export async function startProcess(
  script: string,
  env: Record<string, string>,
  ready: RegExp,
): Promise<ChildProcess> {
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const onData = (data: Buffer) => {
    output += data.toString();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const deadline = Date.now() + 60_000;
  while (!ready.test(output)) {
    if (child.exitCode !== null) throw new Error(`${script} exited: ${output}`);
    if (Date.now() > deadline) throw new Error(`${script} did not start: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return child;
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await Promise.race([once(child, 'exit'), new Promise((resolve) => setTimeout(resolve, 15_000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}
