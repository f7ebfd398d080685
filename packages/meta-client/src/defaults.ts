/**
 * In sandbox mode the api and the sandbox share an app id, app secret and verify token, so a
 * webhook signed with META_APP_SECRET from outside is accepted like one from the sandbox.
 * These are development values only: anyone can read them here. With a real Meta app, set
 * META_APP_ID, META_APP_SECRET, META_CONFIG_ID and META_VERIFY_TOKEN.
 */
export const SANDBOX_DEFAULTS = {
  appId: '1100000000000001',
  appSecret: 'coexist-sandbox-app-secret',
  configId: '1200000000000001',
  verifyToken: 'coexist-sandbox-verify-token',
  port: 8090,
} as const;

/** The Graph API version Coexist speaks; Meta's documentation for coexistence uses v25.0. */
export const DEFAULT_GRAPH_API_VERSION = 'v25.0';
export const META_GRAPH_URL = 'https://graph.facebook.com';
