export * from './client.js';
export * from './defaults.js';
export * from './errors.js';
export * from './timezones.js';
export * from './webhooks/signature.js';
