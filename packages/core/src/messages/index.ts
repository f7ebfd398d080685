export * from './outbound.js';
