// `pnpm start`: the whole platform on embedded defaults, in one terminal.
//
// - Redis at REDIS_URL; if nothing answers and `redis-server` is installed, one is started with
//   its data (AOF) under DATA_DIR/redis, and stopped with the rest.
// - ClickHouse: embedded chDB under DATA_DIR (the api owns it), or CLICKHOUSE_URL.
// - Sandbox mode (no META_GRAPH_URL, no META_CONFIG_ID): the Meta sandbox, and on first start a
//   demo account with a number bound through the real binding flow and 180 days of history.
// - The api (with ingest and the dashboard) and the sender.
// Ctrl-C stops everything cleanly.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env };
const PORT = Number(env.PORT || 8080);
const SANDBOX_PORT = Number(env.SANDBOX_PORT || 8090);
const REDIS_URL = env.REDIS_URL || 'redis://127.0.0.1:6379';
const DATA_DIR = resolve(root, env.DATA_DIR || '.data');
const sandboxMode = !env.META_GRAPH_URL && !env.META_CONFIG_ID;
const color = process.stdout.isTTY && !env.NO_COLOR;
const paint = (code, text) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
const COLORS = { redis: 31, sandbox: 35, api: 36, sender: 33, start: 32 };

function say(line) {
  console.log(`${paint(COLORS.start, 'start  ')} │ ${line}`);
}

function fail(message) {
  console.error(`\n${paint(31, 'Coexist cannot start:')} ${message}\n`);
  stopAll(1);
}

// ---------------------------------------------------------------------------------------------
// Logs: one readable line per JSON log line, prefixed with the process it came from.

const LEVELS = { 10: 'trace', 20: 'debug', 30: 'info ', 40: 'warn ', 50: 'error', 60: 'fatal' };
const SKIP = new Set(['level', 'time', 'pid', 'hostname', 'service', 'name', 'msg', 'v']);

function formatLine(name, raw) {
  let text = raw;
  try {
    const entry = JSON.parse(raw);
    if (entry && typeof entry === 'object' && 'msg' in entry) {
      const level = LEVELS[entry.level] ?? String(entry.level);
      const extra = Object.entries(entry)
        .filter(([key]) => !SKIP.has(key))
        .map(([key, value]) => `${key}=${typeof value === 'object' ? JSON.stringify(value) : value}`)
        .join(' ');
      const time =
        typeof entry.time === 'string' ? entry.time.slice(11, 19) : new Date().toISOString().slice(11, 19);
      const tinted = entry.level >= 50 ? paint(31, level) : entry.level >= 40 ? paint(33, level) : level;
      text = `${time} ${tinted} ${entry.msg}${extra ? `  ${paint(90, extra.length > 300 ? `${extra.slice(0, 300)}…` : extra)}` : ''}`;
    }
  } catch {}
  return `${paint(COLORS[name] ?? 37, name.padEnd(7))} │ ${text}`;
}

// ---------------------------------------------------------------------------------------------
// Children

const children = [];
let stopping = false;

function run(name, script, extraEnv, args = []) {
  const child = spawn(
    script.endsWith('.js') ? process.execPath : script,
    script.endsWith('.js') ? [script, ...args] : args,
    {
      cwd: root,
      env: { ...env, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push({ name, child });
  for (const stream of [child.stdout, child.stderr]) {
    let buffer = '';
    stream.on('data', (data) => {
      buffer += data.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) console.log(formatLine(name, line));
    });
  }
  child.on('exit', (code, signal) => {
    if (stopping) return;
    say(`${name} exited (${signal ?? `code ${code}`}); stopping the rest.`);
    stopAll(code || 1);
  });
  return child;
}

function stopAll(code = 0) {
  if (stopping) return;
  stopping = true;
  const alive = children.filter(({ child }) => child.exitCode === null && child.signalCode === null);
  if (alive.length === 0) process.exit(code);
  say(`stopping ${alive.map(({ name }) => name).join(', ')}…`);
  // services first, Redis last, so the others flush into it
  const services = alive.filter(({ name }) => name !== 'redis');
  const redis = alive.filter(({ name }) => name === 'redis');
  let left = services.length;
  const finish = () => {
    for (const { child } of redis) child.kill('SIGTERM');
    const timer = setTimeout(() => process.exit(code), 5000);
    timer.unref();
    if (redis.length === 0) process.exit(code);
    redis[0].child.on('exit', () => process.exit(code));
  };
  if (left === 0) return finish();
  for (const { child } of services) {
    child.on('exit', () => {
      left -= 1;
      if (left === 0) finish();
    });
    child.kill('SIGTERM');
  }
  setTimeout(() => {
    for (const { child } of services) child.kill('SIGKILL');
    finish();
  }, 20_000).unref();
}

process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));

// ---------------------------------------------------------------------------------------------
// Redis

function redisPing(url) {
  const { hostname, port, password } = new URL(url);
  return new Promise((done) => {
    const socket = connect({ host: hostname || '127.0.0.1', port: Number(port || 6379) });
    let answer = '';
    socket.setTimeout(1000);
    socket.on('connect', () => {
      if (password) socket.write(`AUTH ${decodeURIComponent(password)}\r\n`);
      socket.write('PING\r\n');
    });
    socket.on('data', (data) => {
      answer += data.toString();
      if (answer.includes('PONG') || answer.includes('-')) {
        socket.destroy();
        done(answer.includes('PONG'));
      }
    });
    socket.on('timeout', () => {
      socket.destroy();
      done(false);
    });
    socket.on('error', () => done(false));
  });
}

async function ensureRedis() {
  if (await redisPing(REDIS_URL)) {
    say(`Redis is answering at ${REDIS_URL}`);
    return;
  }
  const which = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const binary = which.stdout.trim();
  if (!binary) {
    fail(
      `nothing answers at REDIS_URL=${REDIS_URL} and redis-server is not installed.\n` +
        '  Install Redis 7 (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis)\n' +
        '  or point REDIS_URL at a running Redis, then run pnpm start again.',
    );
  }
  const { hostname, port } = new URL(REDIS_URL);
  const dir = join(DATA_DIR, 'redis');
  mkdirSync(dir, { recursive: true });
  say(`starting redis-server on ${REDIS_URL} (data with AOF in ${dir})`);
  run('redis', binary, {}, [
    '--port',
    String(port || 6379),
    '--bind',
    hostname || '127.0.0.1',
    '--dir',
    dir,
    '--appendonly',
    'yes',
    '--save',
    '',
    '--loglevel',
    'warning',
  ]);
  for (let i = 0; i < 100; i++) {
    if (await redisPing(REDIS_URL)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  fail(`redis-server did not answer at ${REDIS_URL}`);
}

// ---------------------------------------------------------------------------------------------
// Secrets shared by the processes in sandbox mode (the same files the apps read)

function localSecret(name, make) {
  const path = join(DATA_DIR, 'secrets', name);
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const value = make();
  writeFileSync(path, `${value}\n`, { mode: 0o600 });
  return value;
}

// ---------------------------------------------------------------------------------------------
// The demo: a sandbox business bound through the real flow

async function http(method, url, { token, body } = {}) {
  const response = await fetch(url, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {}
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${text.slice(0, 300)}`);
  return json;
}

async function waitFor(url, what) {
  for (let i = 0; i < 600; i++) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  fail(`${what} did not come up at ${url}`);
}

async function seedDemo(api, sandbox, adminToken) {
  const demoFile = join(DATA_DIR, 'demo.json');
  if (existsSync(demoFile)) {
    const demo = JSON.parse(readFileSync(demoFile, 'utf8'));
    try {
      await http('GET', `${api}/v1/numbers/${demo.phone_number_id}`, { token: demo.api_key });
      say('reusing the demo account and number from the last start');
      return demo;
    } catch {
      say('the demo account is gone (Redis lost its data?): creating it again');
    }
  }
  say('creating the demo account and binding a sandbox number through Embedded Signup…');
  const account = await http('POST', `${api}/v1/admin/accounts`, {
    token: adminToken,
    body: { name: 'Demo — Café Aurora' },
  });
  const token = account.api_key;
  const business = await http('POST', `${sandbox}/__sandbox/businesses`, {
    body: {
      display_phone_number: '+5511987650001',
      country: 'BR',
      business_name: 'Café Aurora',
      app_version: '2.25.21',
      timezone: null,
      share_history: true,
      history: { days: 180, messages_per_day: 60 },
      contacts: 180,
    },
  });
  const binding = await http('POST', `${api}/v1/bindings`, { token });
  await http('POST', `${api}/v1/bindings/${binding.id}/signup`, {
    token,
    body: { code: business.code, waba_id: business.waba_id, share_history: true, app_version: '2.25.21' },
  });
  await http('POST', `${api}/v1/bindings/${binding.id}/confirm`, {
    token,
    body: { timezone: 'America/Sao_Paulo' },
  });
  await http('POST', `${api}/v1/bindings/${binding.id}/finish`, { token });
  const demo = {
    account_id: account.account_id,
    api_key: token,
    phone_number_id: business.phone_number_id,
    binding_id: binding.id,
  };
  writeFileSync(demoFile, `${JSON.stringify(demo, null, 2)}\n`, { mode: 0o600 });

  // history arrives in chunks: show its progress until the dashboard has it all
  for (let i = 0; i < 240; i++) {
    const number = await http('GET', `${api}/v1/numbers/${demo.phone_number_id}`, { token });
    const h = number.sync.history;
    const bar = '█'.repeat(Math.round(h.progress / 5)).padEnd(20, '·');
    say(
      `history import ${bar} ${String(h.progress).padStart(3)} %  ${number.counts.messages.history.toLocaleString('en')} messages, ${number.counts.contacts} contacts`,
    );
    if (h.state === 'completed' || h.state === 'declined' || h.state === 'failed') break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  return demo;
}

// ---------------------------------------------------------------------------------------------

async function main() {
  mkdirSync(DATA_DIR, { recursive: true });
  await ensureRedis();
  const shared = { REDIS_URL, DATA_DIR, PORT: String(PORT), SANDBOX_PORT: String(SANDBOX_PORT) };
  let adminToken = env.ADMIN_TOKEN;
  if (sandboxMode) {
    adminToken ||= localSecret('admin_token', () => `adm_${randomBytes(24).toString('base64url')}`);
    shared.ADMIN_TOKEN = adminToken;
    say(`sandbox mode: no Meta app configured, the Meta sandbox plays Meta on port ${SANDBOX_PORT}`);
    run('sandbox', join(root, 'apps/meta-sandbox/dist/main.js'), {
      ...shared,
      SANDBOX_WEBHOOK_URL: `http://127.0.0.1:${PORT}/webhooks/meta`,
      SANDBOX_STATE_FILE: join(DATA_DIR, 'sandbox-state.json'),
    });
    await waitFor(`http://127.0.0.1:${SANDBOX_PORT}/healthz`, 'the Meta sandbox');
  } else {
    say(
      `Meta mode: Graph API at ${env.META_GRAPH_URL || 'https://graph.facebook.com'}; the sandbox is not started`,
    );
  }
  run('api', join(root, 'apps/api/dist/main.js'), shared);
  await waitFor(`http://127.0.0.1:${PORT}/healthz`, 'the api');
  const sender = join(root, 'apps/sender/dist/main.js');
  if (existsSync(sender)) run('sender', sender, shared);

  const api = `http://127.0.0.1:${PORT}`;
  console.log('');
  if (sandboxMode) {
    try {
      const demo = await seedDemo(api, `http://127.0.0.1:${SANDBOX_PORT}`, adminToken);
      console.log(`
${paint(32, 'Coexist is running.')}

  Dashboard   ${api}/#api_key=${demo.api_key}
  API key     ${demo.api_key}   (demo account ${demo.account_id})
  Demo number ${demo.phone_number_id}  (Café Aurora, +55 11 98765-0001, sandbox)
  API         ${api}/v1   e.g. curl -H "Authorization: Bearer ${demo.api_key}" ${api}/v1/numbers
  Sandbox     http://127.0.0.1:${SANDBOX_PORT}/__sandbox/stats
  Admin token ${join(DATA_DIR, 'secrets', 'admin_token')}

Ctrl-C stops everything; the next pnpm start reuses ${DATA_DIR}.
`);
    } catch (error) {
      say(`the demo could not be set up: ${error.message}`);
    }
  } else {
    console.log(`\n${paint(32, 'Coexist is running.')} Dashboard and API at ${api}\n`);
  }
}

main().catch((error) => fail(error.stack ?? String(error)));
