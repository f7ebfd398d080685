import { sendContacts, sendHistory } from '../phone/sync.js';
import type { PhoneNumber } from '../state/world.js';
import { invalidParameter, whatsappError } from './errors.js';
import { type GraphRequest, param } from './request.js';

const SYNC_TYPES = ['smb_app_state_sync', 'history'] as const;

/**
 * `POST /<PHONE_NUMBER_ID>/smb_app_data`: contacts (`smb_app_state_sync`) or history
 * (`history`). Each may be asked once per onboarding (`2593107`), within 24 h of it
 * (`2593108`). The answer only says the request was taken; the data comes as webhooks.
 */
export function requestSync(request: GraphRequest, number: PhoneNumber): Record<string, unknown> {
  const product = param(request, 'messaging_product');
  if (product !== 'whatsapp') {
    throw invalidParameter(
      product === undefined
        ? 'The parameter messaging_product is required.'
        : 'messaging_product must be "whatsapp"',
    );
  }
  const syncType = param(request, 'sync_type');
  if (typeof syncType !== 'string' || !(SYNC_TYPES as readonly string[]).includes(syncType)) {
    throw invalidParameter(
      syncType === undefined
        ? 'The parameter sync_type is required.'
        : `sync_type must be one of ${SYNC_TYPES.join(', ')}; got ${JSON.stringify(syncType)}`,
    );
  }
  const { sandbox } = request;
  const state = syncType === 'history' ? number.sync.history : number.sync.contacts;
  state.calls += 1;
  if (state.requestedAt !== null) {
    throw whatsappError(2593107, {
      details:
        'You have exceeded the maximum number of times to call the synchronization api for this phone number.',
    });
  }
  if (sandbox.clock.now() - number.onboardedAt > sandbox.options.timings.syncWindowMs) {
    throw whatsappError(2593108, {
      details: 'Synchronization request can only be made within 24 hours of onboarding',
    });
  }
  state.state = 'sending';
  state.requestedAt = sandbox.clock.now();
  state.requestId = sandbox.newRequestId();
  sandbox.changed();
  if (syncType === 'history') sendHistory(sandbox, number);
  else sendContacts(sandbox, number);
  return { messaging_product: 'whatsapp', request_id: state.requestId };
}
