import { oauthError } from './errors.js';
import { type GraphRequest, param } from './request.js';

/**
 * `GET /oauth/access_token?client_id&client_secret&code`: the code Embedded Signup handed to
 * the page becomes a business token. The code works once and only for `codeTtlMs` (Meta: 30 s).
 */
export function exchangeAccessToken(request: GraphRequest): Record<string, unknown> {
  const { sandbox } = request;
  const clientId = stringParam(request, 'client_id');
  const clientSecret = stringParam(request, 'client_secret');
  const code = stringParam(request, 'code');
  if (!clientId) throw oauthError(101, 'Missing client_id parameter.');
  if (clientId !== sandbox.options.appId) {
    throw oauthError(101, 'Error validating application. Invalid application ID.');
  }
  if (clientSecret !== sandbox.options.appSecret) throw oauthError(1, 'Error validating client secret.');
  if (!code) throw oauthError(100, 'Missing authorization code', 36007);

  const result = sandbox.exchange(code);
  if (!result.ok) {
    switch (result.reason) {
      case 'used':
        throw oauthError(100, 'This authorization code has been used.', 36009);
      case 'expired':
        throw oauthError(100, 'Code was invalid or expired. This authorization code has expired.', 36007);
      default:
        throw oauthError(100, 'Invalid verification code format.', 36007);
    }
  }
  // Business integration system user tokens do not expire, so Meta gives no `expires_in`.
  return { access_token: result.token, token_type: 'bearer' };
}

function stringParam(request: GraphRequest, key: string): string | null {
  const value = param(request, key);
  return typeof value === 'string' && value !== '' ? value : null;
}
