// Copies non-TypeScript files the code loads at run time (Lua scripts, SQL) from src/ to dist/.
// Usage (from a package): node ../../tooling/copy-assets.mjs lua sql
import { cpSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const extensions = process.argv.slice(2).map((ext) => `.${ext}`);
function walk(dir) {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) walk(path);
    else if (extensions.some((ext) => entry.endsWith(ext))) cpSync(path, join('dist', relative('src', path)));
  }
}
walk('src');
