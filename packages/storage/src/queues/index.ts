export * from './jobs.js';
export * from './queues.js';
