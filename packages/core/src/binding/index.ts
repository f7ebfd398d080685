export * from './eligibility.js';
export * from './state.js';
