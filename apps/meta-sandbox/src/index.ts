export { createSandboxServer } from './server.js';
