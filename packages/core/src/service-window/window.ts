import type { Direction, MessageSource } from '../webhooks/records.js';

/** A customer-service window lasts 24 hours from the user's last message. */
export const SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;

export interface WindowMessage {
  source: MessageSource;
  direction: Direction;
  /** ms since the epoch */
  timestamp: number;
  /** placeholders (`131060` unavailable) are not known to open a window, so they do not */
  isPlaceholder?: boolean;
  /** `system` messages (number changes) are not the user writing to the business */
  type?: string;
}

export interface ServiceWindow {
  open: boolean;
  /** the live inbound message that opened the current or last window, or null if none ever did */
  lastInboundAt: number | null;
  /** when the window closes (or closed); null if it never opened */
  closesAt: number | null;
}

/**
 * Whether this message, on its own, opens (or extends) a window. Only a message the user sent
 * live after the number was onboarded does: history and echoes never do (Meta: "Messages sent
 * from the WhatsApp Business app … do not create, extend, or affect Cloud API conversation
 * windows"), and a message from before onboarding opens nothing.
 */
export function opensServiceWindow(message: WindowMessage, onboardedAt: number): boolean {
  return (
    message.source === 'live' &&
    message.direction === 'inbound' &&
    message.timestamp >= onboardedAt &&
    !message.isPlaceholder &&
    message.type !== 'system'
  );
}

/** The window as of `now`, from the number's onboarding time and a contact's messages in any order. */
export function serviceWindow(
  onboardedAt: number,
  messages: Iterable<WindowMessage>,
  now: number,
): ServiceWindow {
  let lastInboundAt: number | null = null;
  for (const message of messages) {
    if (
      opensServiceWindow(message, onboardedAt) &&
      (lastInboundAt === null || message.timestamp > lastInboundAt)
    ) {
      lastInboundAt = message.timestamp;
    }
  }
  return windowFrom(lastInboundAt, now);
}

/** The same answer from the one fact stored per contact: the last window-opening message. */
export function windowFrom(lastInboundAt: number | null, now: number): ServiceWindow {
  if (lastInboundAt === null) return { open: false, lastInboundAt: null, closesAt: null };
  const closesAt = lastInboundAt + SERVICE_WINDOW_MS;
  return { open: now < closesAt, lastInboundAt, closesAt };
}
