export * from './binding/index.js';
export * from './delivery/index.js';
export * from './phone/phone.js';
export * from './refusal.js';
export * from './service-window/index.js';
export * from './throughput/index.js';
export * from './webhooks/records.js';
