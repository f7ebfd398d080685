import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import type { HistoryReport } from '../../api/types.js';
import type { Resource } from '../../api/useResource.js';
import { formatMonth } from '../../format/dates.js';
import { formatCount } from '../../format/numbers.js';
import { HistorySync } from '../../numbers/HistorySync.js';
import { HISTORY_PHASES } from '../../numbers/sync.js';
import { SERIES } from '../palette.js';
import { DataTable, ReportCard } from '../ReportCard.js';
import {
  ANIMATE,
  axisProps,
  ChartBox,
  countTick,
  countTooltip,
  gridProps,
  legendProps,
  tooltipProps,
  Y_AXIS_WIDTH,
  yLabel,
} from './common.js';

export function HistorySection({
  resource,
  timeZone,
  shared,
}: {
  resource: Resource<HistoryReport>;
  timeZone: string | null;
  shared: boolean;
}) {
  return (
    <ReportCard
      id="history"
      title="History sync"
      description="The one-time import of the 180 days of chats before the number was connected."
      resource={resource}
      table={(d) => ({
        columns: [
          { key: 'month', label: 'Month' },
          { key: 'messages', label: 'Messages', numeric: true },
          { key: 'inbound', label: 'Received', numeric: true },
          { key: 'outbound', label: 'Sent', numeric: true },
        ],
        rows: d.by_month.map((m) => ({
          month: formatMonth(m.month),
          messages: formatCount(m.messages),
          inbound: formatCount(m.inbound),
          outbound: formatCount(m.outbound),
        })),
      })}
    >
      {(d) => (
        <div className="grid-2 grid-tight">
          <div className="stack">
            <HistorySync history={{ ...d.sync, shared }} timeZone={timeZone} />
            {d.phases.length > 0 ? (
              <DataTable
                caption="History by phase"
                table={{
                  columns: [
                    { key: 'phase', label: 'Phase' },
                    { key: 'chunks', label: 'Parts', numeric: true },
                    { key: 'messages', label: 'Messages', numeric: true },
                  ],
                  rows: d.phases.map((p) => ({
                    phase: HISTORY_PHASES.find((h) => h.phase === p.phase)?.label ?? `Phase ${p.phase}`,
                    chunks: formatCount(p.chunks),
                    messages: formatCount(p.messages),
                  })),
                }}
              />
            ) : null}
          </div>
          <div>
            <h3 className="chart-title">Imported messages by month</h3>
            {d.by_month.length > 0 ? (
              <ChartBox label="Imported history messages per month." height={240}>
                <BarChart data={d.by_month} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
                  <CartesianGrid {...gridProps} />
                  <XAxis dataKey="month" {...axisProps} tickFormatter={(m: string) => formatMonth(m)} />
                  <YAxis
                    {...axisProps}
                    tickFormatter={countTick}
                    width={Y_AXIS_WIDTH}
                    allowDecimals={false}
                    label={yLabel('Messages')}
                  />
                  <Tooltip
                    {...tooltipProps}
                    labelFormatter={(l) => formatMonth(String(l))}
                    formatter={countTooltip}
                  />
                  <Legend {...legendProps} />
                  <Bar
                    isAnimationActive={ANIMATE}
                    dataKey="inbound"
                    name="Received"
                    stackId="m"
                    fill={SERIES.inbound}
                    maxBarSize={40}
                  />
                  <Bar
                    isAnimationActive={ANIMATE}
                    dataKey="outbound"
                    name="Sent"
                    stackId="m"
                    fill={SERIES.outbound}
                    maxBarSize={40}
                  />
                </BarChart>
              </ChartBox>
            ) : (
              <p className="muted small">No imported history messages fall in this range.</p>
            )}
          </div>
        </div>
      )}
    </ReportCard>
  );
}
