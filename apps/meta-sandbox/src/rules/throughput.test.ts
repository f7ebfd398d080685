import { describe, expect, it } from 'vitest';
import { PeakCounter, SlidingWindow } from './throughput.js';

describe('SlidingWindow', () => {
  it('takes 20 events in a second and refuses the 21st', () => {
    const window = new SlidingWindow();
    for (let i = 0; i < 20; i += 1) {
      expect(window.hasRoom(1000 + i)).toBe(true);
      window.record(1000 + i);
    }
    expect(window.hasRoom(1019.5)).toBe(false);
    expect(window.countAt(1019.5)).toBe(20);
  });

  it('is half-open: an event at t and one at t + 1000 ms are in different windows', () => {
    const window = new SlidingWindow();
    for (let i = 0; i < 20; i += 1) window.record(5000);
    expect(window.hasRoom(5999.999)).toBe(false);
    expect(window.hasRoom(6000)).toBe(true);
    expect(window.countAt(6000)).toBe(0);
  });

  it('slides: room comes back one event at a time as the oldest leave', () => {
    const window = new SlidingWindow();
    for (let i = 0; i < 20; i += 1) window.record(i * 10); // 0, 10, …, 190
    expect(window.hasRoom(999)).toBe(false);
    expect(window.hasRoom(1000)).toBe(true);
    window.record(1000);
    expect(window.hasRoom(1005)).toBe(false);
    expect(window.hasRoom(1010)).toBe(true);
  });

  it('counts events recorded without room (inbound traffic) against the limit', () => {
    const window = new SlidingWindow(20);
    for (let i = 0; i < 25; i += 1) window.record(100);
    expect(window.hasRoom(200)).toBe(false);
    expect(window.hasRoom(1100)).toBe(true);
  });
});

describe('PeakCounter', () => {
  it('keeps the most events seen in any sliding second', () => {
    const peak = new PeakCounter();
    for (let i = 0; i < 15; i += 1) peak.record(i * 50); // 15 events in 700 ms
    for (let i = 0; i < 5; i += 1) peak.record(2000 + i);
    expect(peak.peak).toBe(15);
  });
});
