export * from './backoff.js';
export * from './idempotency.js';
export * from './lanes.js';
export * from './send-state.js';
export * from './slots.js';
