/**
 * @coexist/core keeps `normaliseWebhook` in its `webhooks/` module, which its package entry does
 * not re-export yet; the tests read it from there so that every webhook the sandbox sends is
 * judged by the same code the platform uses.
 */
export { normaliseWebhook } from '../../../../packages/core/src/webhooks/normalise.js';
