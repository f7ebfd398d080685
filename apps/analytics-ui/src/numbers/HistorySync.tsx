import type { NumberView, SyncState } from '../api/types.js';
import { formatDateTime } from '../format/dates.js';
import { formatCount, plural } from '../format/numbers.js';
import { SyncBadge } from '../ui/Badge.js';
import { Icon } from '../ui/Icon.js';
import { ProgressBar } from '../ui/layout.js';
import { HISTORY_PHASES, historyProgress, phaseStates } from './sync.js';

export interface HistorySyncFacts {
  state: SyncState;
  shared: boolean;
  phase: number | null;
  progress: number;
  chunks_received: number;
  messages_received: number;
  started_at: string | null;
  finished_at: string | null;
  requested_at?: string | null;
  last_error?: { code: string; message: string } | null;
}

export function fromNumber(number: NumberView): HistorySyncFacts {
  return { ...number.sync.history };
}

/** What the sync is doing, in words, for each state. */
export function historyExplanation(
  history: HistorySyncFacts,
  timeZone: string | null,
  deadline?: string | null,
) {
  if (!history.shared)
    return 'The owner chose not to share chat history, so there is nothing to import. Analytics cover the traffic since the number was connected.';
  switch (history.state) {
    case 'not_requested':
      return deadline
        ? `Coexist requests it once the business account is confirmed; Meta allows that until ${formatDateTime(deadline, timeZone)}.`
        : 'Coexist requests it once the business account is confirmed.';
    case 'requested':
      return `Requested from Meta${history.requested_at ? ` at ${formatDateTime(history.requested_at, timeZone)}` : ''}; waiting for the first part. The owner’s phone must be online with the WhatsApp Business app.`;
    case 'receiving':
      return `Importing: ${plural(history.messages_received, 'message')} so far in ${plural(history.chunks_received, 'part')}. Parts arrive in any order; the bar shows Meta’s progress.`;
    case 'completed':
      return `Imported ${plural(history.messages_received, 'message')} in ${plural(history.chunks_received, 'part')}${history.finished_at ? `, finished ${formatDateTime(history.finished_at, timeZone)}` : ''}.`;
    case 'declined':
      return 'The owner declined to share chat history in the WhatsApp Business app (Meta error 2593109). It cannot be requested again for this connection; analytics cover the traffic since the number was connected.';
    case 'failed':
      return `Meta refused the history sync${history.last_error ? `: ${history.last_error.message}` : ''}. It can only be requested once, within 24 hours of connecting: to try again the owner disconnects the number in the app and connects it again.`;
    default:
      return '';
  }
}

export function HistorySync({
  history,
  timeZone,
  deadline,
}: {
  history: HistorySyncFacts;
  timeZone: string | null;
  deadline?: string | null;
}) {
  const progress = historyProgress(history);
  const phases = phaseStates(history.phase, history.state);
  const showBar = history.shared && history.state !== 'declined' && history.state !== 'not_requested';
  return (
    <div className="history-sync" data-testid="history-sync" data-state={history.state}>
      <div className="row-between">
        <span className="label-strong">Chat history (180 days)</span>
        <SyncBadge state={history.shared ? history.state : 'declined'} />
      </div>
      {showBar ? (
        <>
          <ProgressBar
            value={progress}
            label="History imported"
            detail={
              <span>
                {formatCount(history.messages_received)} messages · {formatCount(history.chunks_received)}{' '}
                parts
              </span>
            }
          />
          <ol className="phases" aria-label="History phases">
            {HISTORY_PHASES.map(({ phase, label }, i) => {
              const state = phases[i] ?? 'pending';
              return (
                <li key={phase} className={`phase phase-${state}`}>
                  <Icon name={state === 'done' ? 'check' : state === 'current' ? 'clock' : 'dot'} />
                  <span>{label}</span>
                  <span className="sr-only">
                    {state === 'done' ? ' (done)' : state === 'current' ? ' (in progress)' : ' (waiting)'}
                  </span>
                </li>
              );
            })}
          </ol>
        </>
      ) : null}
      <p className="muted small">{historyExplanation(history, timeZone, deadline)}</p>
    </div>
  );
}
