export * from './features.js';
export * from './support.js';
