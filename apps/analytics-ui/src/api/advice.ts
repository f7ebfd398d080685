import { ApiError } from './client.js';

/**
 * What the person in front of the page can do about an error, by code. The API's `message` says
 * what happened; this says what to do next. Codes not listed get the message alone.
 */
const ADVICE: Record<string, string> = {
  network_error: 'Check your connection and that the Coexist api is running, then try again.',
  unauthorized: 'Sign in again with a valid API key.',
  not_found: 'It may belong to another account: check that you signed in with the right API key.',
  route_not_found: 'This Coexist api does not offer it yet: update the api.',
  rate_limited: 'Wait a few seconds, then try again.',
  service_unavailable: 'A store Coexist depends on is unreachable. Try again in a few seconds.',
  internal_error: 'Try again; if it keeps happening, check the api logs.',
  meta_unavailable: 'Meta did not answer in time. Nothing was lost: try again.',
  invalid_binding_state: 'This connection attempt has already moved on. Start a new connection.',
  unsupported_country:
    'Meta does not allow numbers from this country to use the Cloud API and the app together. Connect a number with another country code.',
  app_version_too_old:
    'Update the WhatsApp Business app on the phone (Play Store or App Store), check the version in Settings > Help > App info, then start again.',
  code_exchange_failed:
    'Start the connection again and go straight through: the code Meta gives expires 30 seconds after the popup closes.',
  timezone_required: 'Pick the time zone the business works in, then confirm again.',
  invalid_timezone: 'Pick a time zone from the list, then confirm again.',
  number_not_found: 'In the popup, connect the number that runs the WhatsApp Business app, then start again.',
  not_on_business_app: 'Connect a number that is used in the WhatsApp Business app.',
  subscription_failed: 'Start the connection again; if it fails again, check the app’s permissions in Meta.',
  sync_window_expired:
    'The owner disconnects the number in the WhatsApp Business app (Settings > Account > Business Platform) and connects it again.',
  outside_service_window:
    'The customer has not written in the last 24 hours: send an approved template instead.',
  template_not_found: 'Sync the templates or pick another one.',
  template_not_approved: 'Pick an approved template, or wait until Meta approves this one.',
  template_parameter_mismatch: 'Fill in every field of the template, then send again.',
  recipient_opted_out: 'This contact asked not to receive marketing messages. Send only what they asked for.',
  unsupported_on_coexistence: 'Numbers shared with the WhatsApp Business app cannot do this through the API.',
  number_not_active: 'Finish connecting the number (or connect it again) before sending.',
  signup_cancelled: 'Open Meta’s sign-up again when the owner is ready, with the phone at hand.',
  signup_error: 'Open Meta’s sign-up again; if it repeats, start a new connection.',
  invalid_request: 'Correct the field named above and try again.',
};

export function adviceFor(error: unknown): string | null {
  if (error instanceof ApiError) return ADVICE[error.code] ?? null;
  return null;
}

/** The words to show for any error: the API's message, or a generic one. */
export function messageOf(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong.';
}

/** Errors worth retrying without changing anything. */
export function isTransient(error: unknown): boolean {
  return (
    error instanceof ApiError &&
    (error.status === 0 || error.status === 429 || error.status === 503 || error.status === 502)
  );
}
