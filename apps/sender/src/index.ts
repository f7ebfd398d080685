export { DEFAULT_DISPATCHER_SETTINGS, Dispatcher, type DispatcherSettings } from './dispatch/dispatcher.js';
export { loadSenderEnv, type SenderEnv, senderEnvSchema } from './env.js';
export { createSenderMetrics, type SenderMetrics } from './metrics.js';
export { OutcomeQueue, outcomeOf } from './send/outcomes.js';
export { META_UNREACHABLE, SEND_OUTCOME_UNKNOWN, type SendJobData, SendProcessor } from './send/processor.js';
export { type RunningSender, type SenderOptions, startSender } from './sender.js';
