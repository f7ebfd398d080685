import { describe, expect, it } from 'vitest';
import { COEXISTENCE_FEATURE_BY_ID, COEXISTENCE_FEATURES, type CoexistenceFeatureId } from './features.js';

/** The seed's verdict per row ("Are WhatsApp Business app features supported on the Cloud API?"). */
const SEED_VERDICT: Record<CoexistenceFeatureId, 'supported' | 'not_supported'> = {
  individual_chats: 'supported',
  message_edit_recall: 'not_supported',
  contacts: 'supported',
  group_chats: 'not_supported',
  disappearing_messages: 'not_supported',
  view_once_messages: 'not_supported',
  live_location: 'not_supported',
  broadcast_lists: 'not_supported',
  voice_video_calls: 'not_supported',
  business_tools: 'not_supported',
  messaging_tools: 'not_supported',
  business_profile: 'not_supported',
  channels: 'not_supported',
  linked_devices: 'supported',
};

describe('the coexistence feature table', () => {
  it('has every row of the seed once, with the seed’s verdict', () => {
    const ids = COEXISTENCE_FEATURES.map((f) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(Object.fromEntries(COEXISTENCE_FEATURES.map((f) => [f.id, f.apiSupport]))).toEqual(SEED_VERDICT);
  });

  it('keeps the seed’s wording for what changes in the app', () => {
    const change = (id: CoexistenceFeatureId) => COEXISTENCE_FEATURE_BY_ID[id].appChange;
    expect(change('individual_chats')).toBe('Message editing/recall is no longer supported.');
    expect(change('disappearing_messages')).toBe(
      'Disappearing messages for all individual (one-to-one) chats will be turned off',
    );
    expect(change('view_once_messages')).toBe(
      'View-once messages for all individual (one-to-one) chats will be disabled',
    );
    expect(change('live_location')).toBe(
      'Live location messages for all individual (one-to-one) chats will be disabled',
    );
    expect(change('broadcast_lists')).toBe(
      'Broadcast list functionality will be deactivated. Businesses will not be able to create new broadcast lists. Existing broadcast lists will become read-only.',
    );
    for (const id of [
      'contacts',
      'group_chats',
      'voice_video_calls',
      'business_tools',
      'messaging_tools',
      'business_profile',
      'channels',
    ] as const)
      expect(change(id)).toBe('No change.');
    expect(change('linked_devices')).toMatch(/up to 4 WhatsApp 'companion' clients/);
  });

  it('keeps the seed’s examples in the feature names', () => {
    expect(COEXISTENCE_FEATURE_BY_ID.business_tools.feature).toBe(
      'Business tools (for example: catalog, orders, status)',
    );
    expect(COEXISTENCE_FEATURE_BY_ID.messaging_tools.feature).toBe(
      'Messaging tools (for example: marketing messages, greeting messages, away messages, quick replies, labels)',
    );
    expect(COEXISTENCE_FEATURE_BY_ID.business_profile.feature).toBe(
      'Business profile (for example: business name, address, website)',
    );
  });

  it('states the sync facts the seed gives for supported rows', () => {
    expect(COEXISTENCE_FEATURE_BY_ID.individual_chats.note).toMatch(/past 6 months can be synced/);
    expect(COEXISTENCE_FEATURE_BY_ID.contacts.note).toMatch(/WhatsApp phone numbers can be synced/);
    expect(COEXISTENCE_FEATURE_BY_ID.group_chats.note).toMatch(/Group chats will not be synced/);
    expect(COEXISTENCE_FEATURE_BY_ID.linked_devices.note).toMatch(
      /WhatsApp for Windows and WhatsApp for Wear OS excluded/,
    );
  });

  it('indexes every row by id', () => {
    for (const feature of COEXISTENCE_FEATURES) expect(COEXISTENCE_FEATURE_BY_ID[feature.id]).toBe(feature);
  });
});
