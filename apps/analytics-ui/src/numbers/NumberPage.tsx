import { useApi } from '../api/context.js';
import type { CompatibilityFeature, NumberView } from '../api/types.js';
import { useResource } from '../api/useResource.js';
import { Link } from '../app/router.js';
import { formatDateTime, formatRelative, utcOffsetLabel } from '../format/dates.js';
import { formatCount } from '../format/numbers.js';
import { formatPhone } from '../format/phone.js';
import { BindingBadge, SyncBadge } from '../ui/Badge.js';
import { Icon } from '../ui/Icon.js';
import { Card, ErrorNotice, Loading, Notice, PageHeader, Stat, Stats } from '../ui/layout.js';
import { useNow } from '../ui/useNow.js';
import { useTitle } from '../ui/useTitle.js';
import { Alerts } from './Alerts.js';
import { FeatureTable, fromCompatibility } from './FeatureTable.js';
import { fromNumber, HistorySync } from './HistorySync.js';
import { deadlinePending, numberRefreshMs } from './sync.js';

function SyncDeadline({ number, now }: { number: NumberView; now: number }) {
  const deadline = number.sync.deadline;
  if (!deadline) return null;
  const pending = deadlinePending(number);
  const passed = Date.parse(deadline) <= now;
  return (
    <p className="small" data-testid="sync-deadline">
      <Icon name="clock" />{' '}
      {pending ? (
        passed ? (
          <strong>The 24-hour window to request syncs closed {formatRelative(deadline, now)}.</strong>
        ) : (
          <>
            Syncs must be requested before <strong>{formatDateTime(deadline, number.timezone)}</strong> (
            {formatRelative(deadline, now)}).
          </>
        )
      ) : (
        <span className="muted">
          Both syncs were requested within Meta’s 24-hour window (it closes{' '}
          {formatDateTime(deadline, number.timezone)}
          ).
        </span>
      )}
    </p>
  );
}

function ContactsSync({ number }: { number: NumberView }) {
  const contacts = number.sync.contacts;
  return (
    <div className="contacts-sync">
      <div className="row-between">
        <span className="label-strong">Contacts</span>
        <SyncBadge state={contacts.state} />
      </div>
      <p className="muted small">
        {contacts.state === 'completed' || contacts.state === 'receiving'
          ? `${formatCount(contacts.received ?? number.counts.contacts)} contacts received from the phone’s address book.`
          : contacts.state === 'requested'
            ? 'Requested from Meta; the phone sends its WhatsApp contacts shortly.'
            : contacts.state === 'failed'
              ? `Meta refused the contacts sync${contacts.last_error ? `: ${contacts.last_error.message}` : '.'}`
              : 'Requested once the business account is confirmed.'}
      </p>
    </div>
  );
}

export function NumberPage({ phoneNumberId }: { phoneNumberId: string }) {
  const api = useApi();
  const now = useNow(15_000);
  const number = useResource(
    `number:${phoneNumberId}`,
    (signal) => api.get<NumberView>(`/v1/numbers/${encodeURIComponent(phoneNumberId)}`, signal),
    { refreshMs: (data) => numberRefreshMs(data) },
  );
  const compatibility = useResource(`compat:${phoneNumberId}`, (signal) =>
    api.get<{ features: CompatibilityFeature[] }>(
      `/v1/numbers/${encodeURIComponent(phoneNumberId)}/compatibility`,
      signal,
    ),
  );
  const n = number.data;
  useTitle(n ? formatPhone(n.display_phone_number) : 'Number');

  if (number.loading) return <Loading label="Loading the number" height={320} />;
  if (!n)
    return (
      <ErrorNotice error={number.error} title="This number could not be loaded" onRetry={number.reload} />
    );

  const tz = n.timezone;
  const m = n.counts.messages;
  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/numbers">
          <Icon name="arrowLeft" /> Numbers
        </Link>
      </nav>
      <PageHeader
        title={
          <>
            <span data-testid="number-title">{formatPhone(n.display_phone_number)}</span>{' '}
            <BindingBadge status={n.status} />
          </>
        }
        subtitle={
          <>
            {n.verified_name ?? 'Unnamed business'} · WABA {n.waba_id} · phone number id {n.phone_number_id}
          </>
        }
        actions={
          <>
            <Link to={`/analytics?number=${n.phone_number_id}`} className="button button-secondary">
              <Icon name="chart" />
              Analytics
            </Link>
            <Link to={`/send?number=${n.phone_number_id}`} className="button button-primary">
              <Icon name="send" />
              Send a message
            </Link>
          </>
        }
      />
      {number.error ? (
        <ErrorNotice error={number.error} title="Refreshing failed; showing the last answer" compact />
      ) : null}
      {n.status !== 'active' && n.status !== 'removed' && n.status !== 'offboarded' ? (
        <Notice tone="info" title="This number is not connected yet">
          <p>
            Finish the connection in the wizard to let it send.{' '}
            <Link to={`/connect?binding=${encodeURIComponent(n.binding_id)}`}>Continue connecting</Link>
          </p>
        </Notice>
      ) : null}
      <Alerts alerts={n.alerts} timeZone={tz} />

      <div className="grid-2">
        <Card title="Connection" id="connection">
          <dl className="facts facts-wide">
            <div>
              <dt>Time zone</dt>
              <dd>
                {tz ? (
                  <>
                    {tz} <span className="muted">({utcOffsetLabel(tz, now)})</span>
                  </>
                ) : (
                  'Not set'
                )}
              </dd>
            </div>
            <div>
              <dt>Throughput</dt>
              <dd>{n.throughput_mps} messages per second (inbound included)</dd>
            </div>
            <div>
              <dt>Connected</dt>
              <dd>{formatDateTime(n.onboarded_at, tz)}</dd>
            </div>
            <div>
              <dt>Chat history shared</dt>
              <dd>{n.share_history ? 'Yes' : 'No'}</dd>
            </div>
          </dl>
        </Card>
        <Card
          title="Syncs"
          id="syncs"
          description="Meta sends contacts, then the last 180 days of chats, once."
        >
          <div className="stack">
            <SyncDeadline number={n} now={now} />
            <ContactsSync number={n} />
            <HistorySync history={fromNumber(n)} timeZone={tz} deadline={n.sync.deadline} />
          </div>
        </Card>
      </div>

      <Card title="Messages and contacts" id="counts">
        <Stats>
          <Stat label="Imported history" value={formatCount(m.history)} hint="from the 180-day sync" />
          <Stat label="Sent from the phone" value={formatCount(m.echo)} hint="since connecting" />
          <Stat label="Received live" value={formatCount(m.live)} hint="since connecting" />
          <Stat label="Sent through the API" value={formatCount(m.api)} />
          <Stat label="Contacts" value={formatCount(n.counts.contacts)} />
          <Stat label="Opted out" value={formatCount(n.counts.opted_out)} hint="of marketing" />
        </Stats>
      </Card>

      <Card
        title="What works on this number"
        id="compatibility"
        description="A number shared with the WhatsApp Business app keeps some features on the phone only."
      >
        {compatibility.loading ? <Loading label="Loading the feature table" /> : null}
        {compatibility.error ? (
          <ErrorNotice error={compatibility.error} onRetry={compatibility.reload} />
        ) : null}
        {compatibility.data ? (
          <FeatureTable
            features={fromCompatibility(compatibility.data.features)}
            caption="Features of the WhatsApp Business app on this number"
          />
        ) : null}
      </Card>
    </>
  );
}
