export * from './crypto/tokens.js';
export * from './limiter/traffic.js';
export * from './redis.js';
export * from './testing.js';
