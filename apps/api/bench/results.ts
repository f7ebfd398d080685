import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** apps/api/dist/bench → the repository root */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../../..');

export function writeResult(name: string, result: Record<string, unknown>): string {
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.json`);
  writeFileSync(path, `${JSON.stringify({ name, at: new Date().toISOString(), ...result }, null, 2)}\n`);
  return path;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] as number;
}

export const median = (values: number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

export function progress(label: string) {
  const started = Date.now();
  return (done: number, total: number) => {
    const pct = Math.round((done / total) * 100);
    process.stdout.write(
      `\r${label}: ${pct}% (${done.toLocaleString('en')}/${total.toLocaleString('en')}, ${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
    if (done >= total) process.stdout.write('\n');
  };
}
