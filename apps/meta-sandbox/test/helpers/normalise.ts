/** Every webhook the sandbox sends is judged by the same normaliser the platform uses. */
export { normaliseWebhook } from '@coexist/core';
