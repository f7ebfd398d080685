import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../api/client.js';
import type { Resource } from '../api/useResource.js';
import { ReportCard } from './ReportCard.js';

afterEach(cleanup);

const resource = <T,>(partial: Partial<Resource<T>>): Resource<T> => ({
  data: undefined,
  error: null,
  loading: false,
  reload: () => {},
  ...partial,
});

function card(r: Resource<{ n: number; updating?: boolean }>) {
  return render(
    <ReportCard
      id="r"
      title="Messages"
      resource={r}
      isEmpty={(d) => d.n === 0}
      empty={<p>No history yet: the sync is at 40 %.</p>}
      table={(d) => ({ columns: [{ key: 'n', label: 'Count', numeric: true }], rows: [{ n: String(d.n) }] })}
    >
      {(d) => <p>chart of {d.n}</p>}
    </ReportCard>,
  );
}

describe('a report card', () => {
  it('shows a placeholder while loading', () => {
    card(resource({ loading: true }));
    expect(screen.getByRole('status').textContent).toContain('Loading messages');
  });

  it('shows the error in words', () => {
    card(
      resource({ error: new ApiError(503, 'service_unavailable', 'A store we depend on is unreachable.') }),
    );
    expect(screen.getByRole('alert').textContent).toContain('A store we depend on is unreachable.');
    expect(screen.getByRole('button', { name: /Try again/ })).toBeTruthy();
  });

  it('says what to do when empty', () => {
    card(resource({ data: { n: 0 } }));
    expect(screen.getByText('No history yet: the sync is at 40 %.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Table' })).toBeNull();
  });

  it('says when the report is still catching up with new messages, and not otherwise', () => {
    card(resource({ data: { n: 12, updating: true } }));
    expect(screen.getByRole('status').textContent).toContain('Updating');
    expect(screen.getByText('chart of 12')).toBeTruthy();
    cleanup();
    card(resource({ data: { n: 12, updating: false } }));
    expect(screen.queryByRole('status')).toBeNull();
  });

  it('switches between the chart and a table of the same numbers', () => {
    card(resource({ data: { n: 12 } }));
    expect(screen.getByText('chart of 12')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: /Table/ }));
    expect(screen.getByRole('table').textContent).toContain('12');
    expect(screen.getByRole('button', { name: /Chart/ }).getAttribute('aria-pressed')).toBe('true');
  });
});
