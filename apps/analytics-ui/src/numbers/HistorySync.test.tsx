import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { HistorySync, type HistorySyncFacts } from './HistorySync.js';
import { phaseStates } from './sync.js';

afterEach(cleanup);

const facts = (partial: Partial<HistorySyncFacts>): HistorySyncFacts => ({
  state: 'receiving',
  shared: true,
  phase: 1,
  progress: 40,
  chunks_received: 12,
  messages_received: 1_234,
  started_at: null,
  finished_at: null,
  ...partial,
});

describe('the history sync', () => {
  it('shows progress as a labelled bar and the phases in words', () => {
    render(<HistorySync history={facts({})} timeZone="UTC" />);
    const bar = screen.getByRole('progressbar', { name: 'History imported' });
    expect(bar.getAttribute('aria-valuenow')).toBe('40');
    const phases = screen.getByRole('list', { name: 'History phases' }).textContent;
    expect(phases).toContain('Last day (done)');
    expect(phases).toContain('Days 1–90 (in progress)');
    expect(phases).toContain('Days 90–180 (waiting)');
  });

  it('reads 100 % once completed', () => {
    render(<HistorySync history={facts({ state: 'completed', progress: 97 })} timeZone="UTC" />);
    expect(screen.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100');
    expect(screen.getByText(/Imported 1,234 messages in 12 parts/)).toBeTruthy();
  });

  it('explains a declined sync without a bar', () => {
    render(<HistorySync history={facts({ state: 'declined', progress: 0 })} timeZone="UTC" />);
    expect(screen.queryByRole('progressbar')).toBeNull();
    expect(screen.getByText(/declined to share chat history/)).toBeTruthy();
    expect(screen.getByText('Not shared')).toBeTruthy();
  });

  it('places each phase', () => {
    expect(phaseStates(null, 'requested')).toEqual(['pending', 'pending', 'pending']);
    expect(phaseStates(2, 'receiving')).toEqual(['done', 'done', 'current']);
    expect(phaseStates(0, 'completed')).toEqual(['done', 'done', 'done']);
  });
});
