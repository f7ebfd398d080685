import { createSandboxServer } from './server.js';

const port = Number(process.env.SANDBOX_PORT ?? 8090);
createSandboxServer().listen(port, '127.0.0.1', () => {
  console.log(`meta sandbox listening on http://127.0.0.1:${port}`);
});
