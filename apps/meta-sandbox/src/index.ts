/**
 * @coexist/meta-sandbox: an offline Meta for WhatsApp coexistence. Start one with
 * `startSandbox({ port: 0 })` and point the platform's Graph URL, Embedded Signup SDK and
 * webhook secret at it.
 */
export { loadSandboxEnv, type SandboxEnv, sandboxEnvSchema } from './env.js';
export {
  DEFAULT_TIMINGS,
  DEFAULT_WEBHOOK_URL,
  NO_FAULTS,
  resolveOptions,
  type SandboxFaults,
  type SandboxOptions,
  type SandboxSettings,
  type SandboxTimings,
} from './options.js';
export {
  DAY_MS,
  HISTORY_WINDOW_DAYS,
  MEDIA_FOLLOW_UP_DAYS,
  type PhoneSummary,
} from './phone/generate.js';
export { DEFAULT_APP_VERSION, MIN_APP_VERSION, Sandbox, SandboxInputError } from './sandbox.js';
export {
  type BusinessInput,
  type CreatedBusiness,
  createSandboxServer,
  type SandboxHandle,
  startSandbox,
} from './server.js';
export { COEXISTENCE_FEATURE_TYPE, SIGNUP_STEPS, type SignupStep } from './signup/sessions.js';
export {
  DEFAULT_BUSINESS_TIMEZONE,
  ianaFromMetaTimezoneId,
  META_TIMEZONES,
  metaTimezoneId,
} from './state/timezones.js';
export { STOCK_TEMPLATES } from './templates/stock.js';
