export { loadApiEnv, metaSettings } from './env.js';
export { type RunningApi, type StartOptions, startApi } from './server.js';
