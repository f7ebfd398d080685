import { useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import { messageOf } from '../../api/advice.js';
import { useApi } from '../../api/context.js';
import type { ConversationsReport } from '../../api/types.js';
import type { Resource } from '../../api/useResource.js';
import { formatBucket, formatDateTime } from '../../format/dates.js';
import { formatCount, formatDecimal, formatSeconds } from '../../format/numbers.js';
import { formatPhone } from '../../format/phone.js';
import { Icon, Spinner } from '../../ui/Icon.js';
import { Stat, Stats } from '../../ui/layout.js';
import { conversationsFileName, downloadFile } from '../download.js';
import { SERIES } from '../palette.js';
import { DataTable, ReportCard } from '../ReportCard.js';
import {
  ANIMATE,
  axisProps,
  bucketTick,
  ChartBox,
  countTick,
  countTooltip,
  gridProps,
  legendProps,
  tooltipProps,
  Y_AXIS_WIDTH,
  yLabel,
} from './common.js';

function CsvButton({ csvPath, fileName }: { csvPath: string; fileName: string }) {
  const api = useApi();
  const [state, setState] = useState<{ busy: boolean; error: string | null; done: string | null }>({
    busy: false,
    error: null,
    done: null,
  });
  const download = async () => {
    setState({ busy: true, error: null, done: null });
    try {
      const { name } = await downloadFile(api, csvPath, fileName);
      setState({ busy: false, error: null, done: name });
    } catch (error) {
      setState({ busy: false, error: messageOf(error), done: null });
    }
  };
  return (
    <span className="csv">
      <button
        type="button"
        className="button button-secondary button-small"
        onClick={download}
        disabled={state.busy}
      >
        {state.busy ? <Spinner /> : <Icon name="download" />}
        Export CSV
      </button>
      <span className="sr-only" aria-live="polite">
        {state.done ? `Downloaded ${state.done}` : ''}
      </span>
      {state.error ? (
        <span className="field-error small" role="alert">
          {state.error}
        </span>
      ) : null}
    </span>
  );
}

export function ConversationsSection({
  resource,
  timeZone,
  csvPath,
  displayPhoneNumber,
  from,
  to,
}: {
  resource: Resource<ConversationsReport>;
  timeZone: string | null;
  csvPath: string;
  displayPhoneNumber: string;
  from: string;
  to: string;
}) {
  return (
    <ReportCard
      id="conversations"
      title="Conversations"
      description="Threads with one contact, split by 24 hours of silence; started by whoever wrote first."
      resource={resource}
      isEmpty={(d) => d.total === 0}
      actions={
        resource.data?.total ? (
          <CsvButton csvPath={csvPath} fileName={conversationsFileName(displayPhoneNumber, from, to)} />
        ) : undefined
      }
      table={(d) => ({
        columns: [
          { key: 'day', label: 'Day' },
          { key: 'conversations', label: 'Conversations', numeric: true },
          { key: 'customer', label: 'Started by customer', numeric: true },
          { key: 'business', label: 'Started by business', numeric: true },
        ],
        rows: d.per_day.map((row) => ({
          day: formatBucket(row.day, timeZone),
          conversations: formatCount(row.conversations),
          customer: formatCount(row.started_by_customer),
          business: formatCount(row.started_by_business),
        })),
      })}
    >
      {(d) => (
        <>
          <Stats>
            <Stat label="Conversations" value={formatCount(d.total)} testId="conversations-total" />
            <Stat label="Started by customers" value={formatCount(d.started_by_customer)} />
            <Stat label="Started by the business" value={formatCount(d.started_by_business)} />
            <Stat
              label="Messages per conversation"
              value={formatDecimal(d.average_messages)}
              hint="average"
            />
            <Stat label="Duration" value={formatSeconds(d.median_duration_seconds)} hint="median" />
          </Stats>
          <ChartBox label={`Conversations per day: ${formatCount(d.total)} in total.`} height={220}>
            <BarChart data={d.per_day} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
              <CartesianGrid {...gridProps} />
              <XAxis
                dataKey="day"
                {...axisProps}
                tickFormatter={bucketTick(timeZone)}
                interval="preserveStartEnd"
                minTickGap={24}
              />
              <YAxis
                {...axisProps}
                tickFormatter={countTick}
                width={Y_AXIS_WIDTH}
                allowDecimals={false}
                label={yLabel('Conversations')}
              />
              <Tooltip
                {...tooltipProps}
                labelFormatter={(l) => formatBucket(String(l), timeZone)}
                formatter={countTooltip}
              />
              <Legend {...legendProps} />
              <Bar
                isAnimationActive={ANIMATE}
                dataKey="started_by_customer"
                name="Started by customer"
                stackId="c"
                fill={SERIES.customer}
                maxBarSize={28}
              />
              <Bar
                isAnimationActive={ANIMATE}
                dataKey="started_by_business"
                name="Started by business"
                stackId="c"
                fill={SERIES.business}
                maxBarSize={28}
              />
            </BarChart>
          </ChartBox>
          {d.recent.length > 0 ? (
            <details className="disclosure">
              <summary>Latest {formatCount(d.recent.length)} conversations</summary>
              <DataTable
                caption="Latest conversations"
                table={{
                  columns: [
                    { key: 'contact', label: 'Contact' },
                    { key: 'started', label: 'Started' },
                    { key: 'by', label: 'Started by' },
                    { key: 'messages', label: 'Messages', numeric: true },
                    { key: 'frt', label: 'First response', numeric: true },
                  ],
                  rows: d.recent.map((c) => ({
                    contact: c.contact_name ?? formatPhone(c.contact),
                    started: formatDateTime(c.started_at, timeZone),
                    by: c.started_by === 'customer' ? 'Customer' : 'Business',
                    messages: `${formatCount(c.messages)} (${formatCount(c.inbound)} in, ${formatCount(c.outbound)} out)`,
                    frt: c.first_response_seconds === null ? '—' : formatSeconds(c.first_response_seconds),
                  })),
                }}
              />
            </details>
          ) : null}
        </>
      )}
    </ReportCard>
  );
}
