import { useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import type { VolumeReport } from '../../api/types.js';
import type { Resource } from '../../api/useResource.js';
import { formatBucket } from '../../format/dates.js';
import { formatCount } from '../../format/numbers.js';
import { SERIES } from '../palette.js';
import { ReportCard } from '../ReportCard.js';
import {
  ANIMATE,
  axisProps,
  bucketTick,
  ChartBox,
  countTick,
  countTooltip,
  gridProps,
  legendProps,
  peak,
  tooltipProps,
  Y_AXIS_WIDTH,
  yLabel,
} from './common.js';

type View = 'source' | 'direction';

const SOURCE_SERIES = [
  { key: 'history', label: 'Imported history', color: SERIES.history },
  { key: 'echo', label: 'Sent from the phone', color: SERIES.echo },
  { key: 'live', label: 'Received live', color: SERIES.live },
  { key: 'api', label: 'Sent through the API', color: SERIES.api },
] as const;

const DIRECTION_SERIES = [
  { key: 'inbound', label: 'Received', color: SERIES.inbound },
  { key: 'outbound', label: 'Sent', color: SERIES.outbound },
] as const;

export function VolumeSection({
  resource,
  timeZone,
  empty,
}: {
  resource: Resource<VolumeReport>;
  timeZone: string | null;
  empty: React.ReactNode;
}) {
  const [view, setView] = useState<View>('source');
  const series = view === 'source' ? SOURCE_SERIES : DIRECTION_SERIES;
  return (
    <ReportCard
      id="volume"
      title="Messages"
      description="Per day by where they came from, or by direction. Days in the number’s time zone."
      resource={resource}
      isEmpty={(d) => d.totals.messages === 0}
      empty={empty}
      actions={
        <fieldset className="segmented">
          <legend className="sr-only">Split messages by</legend>
          {(['source', 'direction'] as const).map((v) => (
            <button
              key={v}
              type="button"
              className="segmented-option"
              aria-pressed={view === v}
              onClick={() => setView(v)}
            >
              {v === 'source' ? 'Source' : 'Direction'}
            </button>
          ))}
        </fieldset>
      }
      table={(d) => ({
        columns: [
          { key: 'bucket', label: d.granularity === 'hour' ? 'Hour' : 'Day' },
          { key: 'inbound', label: 'Received', numeric: true },
          { key: 'outbound', label: 'Sent', numeric: true },
          { key: 'history', label: 'History', numeric: true },
          { key: 'echo', label: 'Phone app', numeric: true },
          { key: 'live', label: 'Live', numeric: true },
          { key: 'api', label: 'API', numeric: true },
        ],
        rows: d.series.map((row) => ({
          bucket: formatBucket(row.bucket, timeZone),
          inbound: formatCount(row.inbound),
          outbound: formatCount(row.outbound),
          history: formatCount(row.history),
          echo: formatCount(row.echo),
          live: formatCount(row.live),
          api: formatCount(row.api),
        })),
      })}
    >
      {(d) => {
        const busiest = peak(d.series, (r) => r.inbound + r.outbound);
        return (
          <ChartBox
            label={`Messages per ${d.granularity}: ${formatCount(d.totals.messages)} in total${
              busiest
                ? `, most on ${formatBucket(busiest.bucket, timeZone)} (${formatCount(busiest.inbound + busiest.outbound)})`
                : ''
            }.`}
          >
            <BarChart data={d.series} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
              <CartesianGrid {...gridProps} />
              <XAxis
                dataKey="bucket"
                {...axisProps}
                tickFormatter={bucketTick(timeZone)}
                interval="preserveStartEnd"
                minTickGap={24}
              />
              <YAxis
                {...axisProps}
                tickFormatter={countTick}
                width={Y_AXIS_WIDTH}
                label={yLabel('Messages')}
                allowDecimals={false}
              />
              <Tooltip
                {...tooltipProps}
                labelFormatter={(label) => formatBucket(String(label), timeZone)}
                formatter={countTooltip}
              />
              <Legend {...legendProps} />
              {series.map((s) => (
                <Bar
                  isAnimationActive={ANIMATE}
                  key={s.key}
                  dataKey={s.key}
                  name={s.label}
                  stackId="volume"
                  fill={s.color}
                  maxBarSize={28}
                />
              ))}
            </BarChart>
          </ChartBox>
        );
      }}
    </ReportCard>
  );
}
