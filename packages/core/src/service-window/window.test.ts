import { describe, expect, it } from 'vitest';
import {
  opensServiceWindow,
  SERVICE_WINDOW_MS,
  serviceWindow,
  type WindowMessage,
  windowFrom,
} from './window.js';

const HOUR = 3_600_000;
const onboardedAt = Date.UTC(2026, 10, 1, 12);
const live = (timestamp: number): WindowMessage => ({ source: 'live', direction: 'inbound', timestamp });

describe('service window', () => {
  it('opens for 24 h on a live inbound message after onboarding', () => {
    const at = onboardedAt + HOUR;
    const w = serviceWindow(onboardedAt, [live(at)], at + 23 * HOUR);
    expect(w).toEqual({ open: true, lastInboundAt: at, closesAt: at + SERVICE_WINDOW_MS });
    expect(serviceWindow(onboardedAt, [live(at)], at + 24 * HOUR).open).toBe(false);
    expect(serviceWindow(onboardedAt, [live(at)], at + 24 * HOUR - 1).open).toBe(true);
  });

  it('never opens from history or echoes, even recent ones', () => {
    const recent = onboardedAt + HOUR;
    const messages: WindowMessage[] = [
      { source: 'history', direction: 'inbound', timestamp: recent },
      { source: 'echo', direction: 'outbound', timestamp: recent },
      { source: 'api', direction: 'outbound', timestamp: recent },
    ];
    expect(serviceWindow(onboardedAt, messages, recent + 1).open).toBe(false);
  });

  it('does not open from a message sent before onboarding', () => {
    const before = onboardedAt - 1;
    expect(opensServiceWindow(live(before), onboardedAt)).toBe(false);
    expect(opensServiceWindow(live(onboardedAt), onboardedAt)).toBe(true);
    expect(serviceWindow(onboardedAt, [live(before)], onboardedAt + 1).open).toBe(false);
  });

  it('is extended by the latest live message, whatever the order they are given in', () => {
    const first = onboardedAt + HOUR;
    const second = onboardedAt + 20 * HOUR;
    const now = first + 30 * HOUR;
    const w = serviceWindow(onboardedAt, [live(second), live(first)], now);
    expect(w.open).toBe(true);
    expect(w.closesAt).toBe(second + SERVICE_WINDOW_MS);
  });

  it('ignores echoes that came after the user wrote: they neither close nor extend it', () => {
    const userAt = onboardedAt + HOUR;
    const echoAt = userAt + 23 * HOUR;
    const w = serviceWindow(
      onboardedAt,
      [live(userAt), { source: 'echo', direction: 'outbound', timestamp: echoAt }],
      userAt + 25 * HOUR,
    );
    expect(w.open).toBe(false);
    expect(w.lastInboundAt).toBe(userAt);
  });

  it('does not open on placeholders or system messages', () => {
    expect(opensServiceWindow({ ...live(onboardedAt + 1), isPlaceholder: true }, onboardedAt)).toBe(false);
    expect(opensServiceWindow({ ...live(onboardedAt + 1), type: 'system' }, onboardedAt)).toBe(false);
  });

  it('windowFrom agrees with serviceWindow on the stored fact', () => {
    expect(windowFrom(null, onboardedAt)).toEqual({ open: false, lastInboundAt: null, closesAt: null });
    const at = onboardedAt + 5 * HOUR;
    expect(windowFrom(at, at + HOUR)).toEqual(serviceWindow(onboardedAt, [live(at)], at + HOUR));
  });
});
