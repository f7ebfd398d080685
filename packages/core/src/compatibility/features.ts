/**
 * What changes for a WhatsApp Business app number once it is also on the Cloud API, row by row
 * from the feature comparison in `seed/whatsapp-business-app-binding.txt` (Meta's coexistence
 * onboarding page). `appChange` and the first sentence of `note` are the seed's words.
 */

export type CoexistenceFeatureId =
  | 'individual_chats'
  | 'message_edit_recall'
  | 'contacts'
  | 'group_chats'
  | 'disappearing_messages'
  | 'view_once_messages'
  | 'live_location'
  | 'broadcast_lists'
  | 'voice_video_calls'
  | 'business_tools'
  | 'messaging_tools'
  | 'business_profile'
  | 'channels'
  | 'linked_devices';

export type ApiSupport = 'supported' | 'not_supported';

export interface CoexistenceFeature {
  id: CoexistenceFeatureId;
  /** The WhatsApp Business app feature. */
  feature: string;
  /** What happens to it in the app after onboarding. */
  appChange: string;
  /** Whether the Cloud API offers it on a coexistence number. */
  apiSupport: ApiSupport;
  note: string;
}

export const COEXISTENCE_FEATURES: readonly CoexistenceFeature[] = [
  {
    id: 'individual_chats',
    feature: 'Individual (one-to-one) chat',
    appChange: 'Message editing/recall is no longer supported.',
    apiSupport: 'supported',
    note: 'All chat messages from the past 6 months can be synced. Sent and received messages will be mirrored between the Cloud API and the WhatsApp Business app.',
  },
  {
    // The seed states this inside the individual chat row; it gets its own id so that a refused
    // edit or recall can point at it.
    id: 'message_edit_recall',
    feature: 'Message editing and recall',
    appChange: 'Message editing/recall is no longer supported.',
    apiSupport: 'not_supported',
    note: 'Requests to edit or recall (revoke) a sent message are refused. Meta’s newer onboarding page says the app supports Edit/Revoke again; the API still does not.',
  },
  {
    id: 'contacts',
    feature: 'Contacts',
    appChange: 'No change.',
    apiSupport: 'supported',
    note: 'All contacts with WhatsApp phone numbers can be synced.',
  },
  {
    id: 'group_chats',
    feature: 'Group chat',
    appChange: 'No change.',
    apiSupport: 'not_supported',
    note: 'Group chats will not be synced. Messages to groups (recipient_type "group") are refused.',
  },
  {
    id: 'disappearing_messages',
    feature: 'Disappearing messages',
    appChange: 'Disappearing messages for all individual (one-to-one) chats will be turned off',
    apiSupport: 'not_supported',
    note: 'Disappearing messages are not included in the history sync either.',
  },
  {
    id: 'view_once_messages',
    feature: 'View-once messages',
    appChange: 'View-once messages for all individual (one-to-one) chats will be disabled',
    apiSupport: 'not_supported',
    note: 'Media can still be sent as ordinary image, video or audio messages.',
  },
  {
    id: 'live_location',
    feature: 'Live location messages',
    appChange: 'Live location messages for all individual (one-to-one) chats will be disabled',
    apiSupport: 'not_supported',
    note: 'A fixed location (type "location") can still be sent.',
  },
  {
    id: 'broadcast_lists',
    feature: 'Broadcast lists',
    appChange:
      'Broadcast list functionality will be deactivated. Businesses will not be able to create new broadcast lists. Existing broadcast lists will become read-only.',
    apiSupport: 'not_supported',
    note: 'Send one message per recipient instead; each number sends at most 20 messages per second.',
  },
  {
    id: 'voice_video_calls',
    feature: 'Voice and video calls',
    appChange: 'No change.',
    apiSupport: 'not_supported',
    note: 'Calls stay in the app; call messages and call permission requests are refused.',
  },
  {
    id: 'business_tools',
    feature: 'Business tools (for example: catalog, orders, status)',
    appChange: 'No change.',
    apiSupport: 'not_supported',
    note: 'The app’s catalog, orders and status are not available through the API: product, catalog and order messages are refused.',
  },
  {
    id: 'messaging_tools',
    feature:
      'Messaging tools (for example: marketing messages, greeting messages, away messages, quick replies, labels)',
    appChange: 'No change.',
    apiSupport: 'not_supported',
    note: 'They keep working in the app but are not synced and the API cannot use them; Cloud API message templates are separate and can be sent.',
  },
  {
    id: 'business_profile',
    feature: 'Business profile (for example: business name, address, website)',
    appChange: 'No change.',
    apiSupport: 'not_supported',
    note: 'Keep editing the profile in the app.',
  },
  {
    id: 'channels',
    feature: 'Channels',
    appChange: 'No change.',
    apiSupport: 'not_supported',
    note: 'Posting to a WhatsApp Channel through the API is refused.',
  },
  {
    id: 'linked_devices',
    feature: 'Linked devices',
    appChange:
      "Businesses can link up to 4 WhatsApp 'companion' clients to the WhatsApp Business app account on other devices. If a business onboards the Cloud API using an existing WhatsApp Business app account and phone number, all companion apps will be unlinked from that account, and the business can later relink any supported companion apps.",
    apiSupport: 'supported',
    note: 'All companion clients are supported, WhatsApp for Windows and WhatsApp for Wear OS excluded. Messages a customer sends from an unsupported companion can arrive as error 131060; check them in the WhatsApp Business app.',
  },
];

export const COEXISTENCE_FEATURE_BY_ID = Object.fromEntries(
  COEXISTENCE_FEATURES.map((feature) => [feature.id, feature]),
) as Readonly<Record<CoexistenceFeatureId, CoexistenceFeature>>;
