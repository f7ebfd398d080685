import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useApi } from '../api/context.js';
import type { NumberView, ReportName, Reports } from '../api/types.js';
import { type Resource, useResource } from '../api/useResource.js';
import { Link, navigate, useLocation, withQuery } from '../app/router.js';
import { formatDay, todayIn } from '../format/dates.js';
import { formatCount, formatSeconds, formatShare } from '../format/numbers.js';
import { historyProgress, isSyncing } from '../numbers/sync.js';
import { NumberPicker, useNumbers } from '../numbers/useNumbers.js';
import { Icon } from '../ui/Icon.js';
import { EmptyState, ErrorNotice, Loading, Notice, PageHeader, Skeleton } from '../ui/layout.js';
import { useTitle } from '../ui/useTitle.js';
import { ContactsSection } from './charts/ContactsSection.js';
import { ConversationsSection } from './charts/ConversationsSection.js';
import { HeatmapSection } from './charts/HeatmapSection.js';
import { HistorySection } from './charts/HistorySection.js';
import { ResponseTimesSection } from './charts/ResponseTimesSection.js';
import { SourcesSection } from './charts/SourcesSection.js';
import { TemplatesSection } from './charts/TemplatesSection.js';
import { VolumeSection } from './charts/VolumeSection.js';
import {
  type DateRange,
  PRESETS,
  parseRange,
  rangeDays,
  rangeParams,
  rangeProblem,
  rangeQuery,
} from './dateRange.js';

/** How soon a report that is catching up with new messages is asked again. */
const UPDATING_REFRESH_MS = 3_000;

function useReport<K extends ReportName>(
  report: K,
  phoneNumberId: string,
  range: DateRange,
  extra: string,
  refreshMs: number | null,
): Resource<Reports[K]> {
  const api = useApi();
  const path = `/v1/numbers/${encodeURIComponent(phoneNumberId)}/analytics/${report}?${rangeQuery(range)}${extra}`;
  // a report that says it is behind the latest messages is asked again until it caught up
  return useResource(path, (signal) => api.get<Reports[K]>(path, signal), {
    refreshMs: (data) =>
      data?.updating ? Math.min(refreshMs ?? Number.POSITIVE_INFINITY, UPDATING_REFRESH_MS) : refreshMs,
  });
}

function RangePicker({ range, onChange }: { range: DateRange; onChange: (range: DateRange) => void }) {
  const [custom, setCustom] = useState(range.preset === null);
  const [from, setFrom] = useState(range.from);
  const [to, setTo] = useState(range.to);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    setFrom(range.from);
    setTo(range.to);
  }, [range.from, range.to]);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    const why = rangeProblem(from, to);
    setProblem(why);
    if (!why) onChange({ from, to, preset: null });
  };

  return (
    <div className="range-picker">
      <div className="field field-inline">
        <label htmlFor="range-preset">Dates</label>
        <select
          id="range-preset"
          value={custom ? 'custom' : (range.preset ?? 'custom')}
          onChange={(event) => {
            const value = event.target.value;
            if (value === 'custom') {
              setCustom(true);
              return;
            }
            setCustom(false);
            setProblem(null);
            const preset = PRESETS.find((p) => p.id === value);
            if (preset) onChange({ from: range.from, to: range.to, preset: preset.id });
          }}
        >
          {PRESETS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label}
            </option>
          ))}
          <option value="custom">Custom range…</option>
        </select>
      </div>
      {custom ? (
        <form className="range-custom" onSubmit={apply} noValidate>
          <div className="field field-inline">
            <label htmlFor="range-from">From</label>
            <input
              id="range-from"
              type="date"
              value={from}
              max={to}
              onChange={(e) => setFrom(e.target.value)}
            />
          </div>
          <div className="field field-inline">
            <label htmlFor="range-to">To</label>
            <input id="range-to" type="date" value={to} min={from} onChange={(e) => setTo(e.target.value)} />
          </div>
          <button type="submit" className="button button-secondary button-small">
            Apply
          </button>
          {problem ? (
            <p className="field-error small" role="alert">
              {problem}
            </p>
          ) : null}
        </form>
      ) : null}
    </div>
  );
}

/** The key figures above the charts, each from the report that owns it. */
function Summary({
  volume,
  conversations,
  responseTimes,
  contacts,
  sources,
}: {
  volume: Resource<Reports['volume']>;
  conversations: Resource<Reports['conversations']>;
  responseTimes: Resource<Reports['response-times']>;
  contacts: Resource<Reports['contacts']>;
  sources: Resource<Reports['sources']>;
}) {
  const tile = (label: string, value: string | null, hint: string | null, testId: string) => (
    <div className="kpi" data-testid={testId}>
      <dt>{label}</dt>
      <dd className="kpi-value">{value === null ? <Skeleton height={28} width="70%" /> : value}</dd>
      {hint ? <dd className="kpi-hint">{hint}</dd> : null}
    </div>
  );
  const v = volume.data;
  const r = responseTimes.data;
  return (
    <dl className="kpis" aria-label="Summary">
      {tile(
        'Messages',
        v ? formatCount(v.totals.messages) : null,
        v ? `${formatCount(v.totals.inbound)} received · ${formatCount(v.totals.outbound)} sent` : null,
        'kpi-messages',
      )}
      {tile(
        'Conversations',
        conversations.data ? formatCount(conversations.data.total) : null,
        null,
        'kpi-conversations',
      )}
      {tile(
        'First response',
        r ? formatSeconds(r.first_response.median_seconds) : null,
        r ? 'median' : null,
        'kpi-frt',
      )}
      {tile(
        'Contacts',
        contacts.data ? formatCount(contacts.data.total) : null,
        contacts.data ? `${formatCount(contacts.data.new)} new` : null,
        'kpi-contacts',
      )}
      {tile(
        'API share',
        sources.data ? formatShare(sources.data.totals.api_share) : null,
        sources.data ? 'of messages sent' : null,
        'kpi-api-share',
      )}
    </dl>
  );
}

function Dashboard({ number, range }: { number: NumberView; range: DateRange }) {
  const id = number.phone_number_id;
  const history = number.sync.history;
  // while history arrives the charts fill up; ask again every few seconds
  const refresh = isSyncing(history.state) ? 4_000 : null;
  const granularity = rangeDays(range) <= 3 ? '&granularity=hour' : '';
  const volume = useReport('volume', id, range, granularity, refresh);
  const heatmap = useReport('heatmap', id, range, '', refresh);
  const conversations = useReport('conversations', id, range, '', refresh);
  const responseTimes = useReport('response-times', id, range, '', refresh);
  const contacts = useReport('contacts', id, range, '', refresh);
  const sources = useReport('sources', id, range, '', refresh);
  const templates = useReport('templates', id, range, '', refresh);
  const historyReport = useReport('history', id, range, '', isSyncing(history.state) ? 2_000 : null);
  const tz = volume.data?.timezone ?? number.timezone;

  // The last parts of a sync reach the reports a moment after the sync says it is done: once it
  // completes, ask everything again a few seconds later so the page ends on the full history.
  const reports = [
    volume,
    heatmap,
    conversations,
    responseTimes,
    contacts,
    sources,
    templates,
    historyReport,
  ];
  const reloadAll = useRef(() => {});
  reloadAll.current = () => {
    for (const report of reports) report.reload();
  };
  const previousState = useRef(history.state);
  useEffect(() => {
    const was = previousState.current;
    previousState.current = history.state;
    if (!isSyncing(was) || isSyncing(history.state)) return;
    const timers = [3_000, 10_000].map((ms) => setTimeout(() => reloadAll.current(), ms));
    return () => timers.forEach(clearTimeout);
  }, [history.state]);

  const noMessages = (
    <EmptyState
      title={
        isSyncing(history.state)
          ? `No history yet: the sync is at ${historyProgress(history)} %.`
          : history.state === 'not_requested' && history.shared
            ? 'No history yet: the sync has not been requested.'
            : 'No messages in this range.'
      }
      action={
        isSyncing(history.state) ? (
          <Link to={`/numbers/${id}`}>Follow the sync on the number’s page</Link>
        ) : (
          <Link to={`/send?number=${id}`}>Send a message</Link>
        )
      }
    >
      <p>
        {isSyncing(history.state) || (history.shared && history.state === 'not_requested')
          ? 'Charts fill in as Meta delivers the 180 days of chats, and with every message after that.'
          : history.shared && history.state === 'completed'
            ? 'Nothing was sent or received between these dates. Pick a wider range above.'
            : 'The owner did not share chat history: charts start with the messages since the number was connected.'}
      </p>
    </EmptyState>
  );

  return (
    <>
      {isSyncing(history.state) ? (
        <Notice tone="info" role="status" title={`History sync at ${historyProgress(history)} %`}>
          <p>Charts update as the remaining parts arrive.</p>
        </Notice>
      ) : null}
      <Summary
        volume={volume}
        conversations={conversations}
        responseTimes={responseTimes}
        contacts={contacts}
        sources={sources}
      />
      <VolumeSection resource={volume} timeZone={tz} empty={noMessages} />
      <div className="grid-2">
        <HeatmapSection resource={heatmap} timeZone={tz} />
        <SourcesSection resource={sources} timeZone={tz} />
      </div>
      <ConversationsSection
        resource={conversations}
        timeZone={tz}
        csvPath={`/v1/numbers/${encodeURIComponent(id)}/analytics/conversations.csv?${rangeQuery(range)}`}
        displayPhoneNumber={number.display_phone_number}
        from={range.from}
        to={range.to}
      />
      <ResponseTimesSection resource={responseTimes} timeZone={tz} />
      <div className="grid-2">
        <ContactsSection resource={contacts} timeZone={tz} phoneNumberId={id} />
        <TemplatesSection resource={templates} phoneNumberId={id} />
      </div>
      <HistorySection resource={historyReport} timeZone={tz} shared={history.shared} />
    </>
  );
}

export function AnalyticsPage() {
  useTitle('Analytics');
  const location = useLocation();
  const numbers = useNumbers({ refreshMs: 5_000 });
  const list = numbers.data ?? [];
  const wanted = location.query.get('number');
  const number = list.find((n) => n.phone_number_id === wanted) ?? (wanted ? undefined : list[0]);
  const today = todayIn(number?.timezone);
  const { range, problem } = parseRange(
    { range: location.query.get('range'), from: location.query.get('from'), to: location.query.get('to') },
    today,
  );

  // the address always names the number shown, so it can be shared
  useEffect(() => {
    if (!wanted && number)
      navigate(withQuery(location, { number: number.phone_number_id }), { replace: true });
  }, [wanted, number, location]);

  if (numbers.loading) return <Loading label="Loading your numbers" height={400} />;
  if (numbers.error && !numbers.data) return <ErrorNotice error={numbers.error} onRetry={numbers.reload} />;
  if (list.length === 0) {
    return (
      <>
        <PageHeader title="Analytics" />
        <EmptyState
          title="No numbers to analyse yet."
          action={
            <Link to="/connect" className="button button-primary">
              <Icon name="plus" /> Connect a number
            </Link>
          }
        >
          <p>Once a number is connected and shares its chats, 180 days of history show up here.</p>
        </EmptyState>
      </>
    );
  }

  return (
    <>
      <PageHeader
        title="Analytics"
        subtitle={
          number ? (
            <>
              {formatDay(range.from, { year: true })} – {formatDay(range.to, { year: true })}
              {number.timezone ? ` · days and hours in ${number.timezone}` : ''}
            </>
          ) : null
        }
      />
      <div className="toolbar">
        <NumberPicker
          numbers={list}
          value={number?.phone_number_id ?? null}
          onChange={(id) => navigate(withQuery(location, { number: id }))}
        />
        <RangePicker range={range} onChange={(next) => navigate(withQuery(location, rangeParams(next)))} />
      </div>
      {problem ? (
        <Notice tone="warn" role="status" title="The dates in the address were not used">
          <p>{problem} Showing the last 180 days instead.</p>
        </Notice>
      ) : null}
      {number ? (
        <Dashboard key={number.phone_number_id} number={number} range={range} />
      ) : (
        <EmptyState
          title="This number is not in your account."
          action={<Link to="/analytics">Show the first number</Link>}
        />
      )}
    </>
  );
}
