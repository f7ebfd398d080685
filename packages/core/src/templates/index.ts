export * from './check.js';
export * from './definition.js';
export * from './placeholders.js';
