import type { NumberView } from '../api/types.js';
import { Link } from '../app/router.js';
import { formatCount } from '../format/numbers.js';
import { formatPhone } from '../format/phone.js';
import { BindingBadge, SyncBadge } from '../ui/Badge.js';
import { Icon } from '../ui/Icon.js';
import { EmptyState, ErrorNotice, PageHeader, ProgressBar, Skeleton } from '../ui/layout.js';
import { useTitle } from '../ui/useTitle.js';
import { historyProgress, isSyncing } from './sync.js';
import { useNumbers } from './useNumbers.js';

function totalMessages(number: NumberView): number {
  const m = number.counts.messages;
  return m.history + m.echo + m.live + m.api;
}

function NumberCard({ number }: { number: NumberView }) {
  const history = number.sync.history;
  const syncing = isSyncing(history.state);
  return (
    <li className="number-card" data-number={number.phone_number_id}>
      <div className="row-between">
        <div>
          <Link to={`/numbers/${number.phone_number_id}`} className="number-card-title">
            {formatPhone(number.display_phone_number)}
          </Link>
          <p className="muted small">{number.verified_name ?? 'Unnamed business'}</p>
        </div>
        <BindingBadge status={number.status} />
      </div>
      <dl className="facts">
        <div>
          <dt>Time zone</dt>
          <dd>{number.timezone ?? 'Not set'}</dd>
        </div>
        <div>
          <dt>Throughput</dt>
          <dd>{number.throughput_mps} msg/s</dd>
        </div>
        <div>
          <dt>Contacts</dt>
          <dd>{formatCount(number.counts.contacts)}</dd>
        </div>
        <div>
          <dt>Messages</dt>
          <dd>{formatCount(totalMessages(number))}</dd>
        </div>
      </dl>
      {syncing ? (
        <ProgressBar value={historyProgress(history)} label="History sync" />
      ) : (
        <div className="row-between small">
          <span className="muted">History sync</span>
          <SyncBadge state={history.shared ? history.state : 'declined'} />
        </div>
      )}
      {number.alerts.length > 0 ? (
        <p className="number-card-alerts">
          <Icon name="alert" />
          {number.alerts.length === 1 ? '1 alert' : `${number.alerts.length} alerts`}
        </p>
      ) : null}
      <div className="number-card-links">
        <Link to={`/numbers/${number.phone_number_id}`}>Details</Link>
        <Link to={`/analytics?number=${number.phone_number_id}`}>Analytics</Link>
        <Link to={`/send?number=${number.phone_number_id}`}>Send</Link>
      </div>
    </li>
  );
}

export function NumbersPage() {
  useTitle('Numbers');
  const numbers = useNumbers({ refreshMs: 5_000 });
  return (
    <>
      <PageHeader
        title="Numbers"
        subtitle="WhatsApp Business app numbers connected to the Cloud API, with their syncs and alerts."
      />
      {numbers.error && !numbers.data ? <ErrorNotice error={numbers.error} onRetry={numbers.reload} /> : null}
      {numbers.loading ? (
        <ul className="number-grid" aria-busy="true" aria-label="Loading numbers">
          {[0, 1].map((i) => (
            <li key={i} className="number-card">
              <Skeleton lines={4} />
            </li>
          ))}
        </ul>
      ) : null}
      {numbers.data && numbers.data.length === 0 ? (
        <EmptyState
          title="No numbers yet."
          action={
            <Link to="/connect" className="button button-primary">
              <Icon name="plus" />
              Connect a number
            </Link>
          }
        >
          <p>
            Connect a WhatsApp Business app number: the owner keeps chatting from the phone, you send through
            the API, and the last 180 days of chats arrive here for analysis.
          </p>
        </EmptyState>
      ) : null}
      {numbers.data && numbers.data.length > 0 ? (
        <ul className="number-grid" aria-label="Connected numbers">
          {numbers.data.map((number) => (
            <NumberCard key={number.phone_number_id} number={number} />
          ))}
        </ul>
      ) : null}
    </>
  );
}
