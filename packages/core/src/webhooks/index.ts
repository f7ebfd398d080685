export * from './normalise.js';
export type * from './records.js';
export * from './schemas.js';
