import { Bar, CartesianGrid, ComposedChart, Legend, Line, Tooltip, XAxis, YAxis } from 'recharts';
import type { SourcesReport } from '../../api/types.js';
import type { Resource } from '../../api/useResource.js';
import { formatBucket } from '../../format/dates.js';
import { formatCount, formatShare } from '../../format/numbers.js';
import { Stat, Stats } from '../../ui/layout.js';
import { SERIES } from '../palette.js';
import { ReportCard } from '../ReportCard.js';
import {
  ANIMATE,
  axisProps,
  bucketTick,
  ChartBox,
  countTick,
  gridProps,
  legendProps,
  tooltipProps,
  Y_AXIS_WIDTH,
  yLabel,
} from './common.js';

const tooltipValue = (value: unknown, name: unknown) =>
  name === 'API share' && typeof value === 'number'
    ? formatShare(value)
    : typeof value === 'number'
      ? formatCount(value)
      : String(value ?? '—');

export function SourcesSection({
  resource,
  timeZone,
}: {
  resource: Resource<SourcesReport>;
  timeZone: string | null;
}) {
  return (
    <ReportCard
      id="sources"
      title="Phone app vs API"
      description="Who sends the business’s messages: the owner from the WhatsApp Business app (and its history), or Coexist’s API."
      resource={resource}
      isEmpty={(d) => d.totals.phone_app + d.totals.api === 0}
      table={(d) => ({
        columns: [
          { key: 'day', label: 'Day' },
          { key: 'phone', label: 'Phone app', numeric: true },
          { key: 'api', label: 'API', numeric: true },
          { key: 'share', label: 'API share', numeric: true },
        ],
        rows: d.series.map((r) => ({
          day: formatBucket(r.bucket, timeZone),
          phone: formatCount(r.phone_app),
          api: formatCount(r.api),
          share: formatShare(r.api_share),
        })),
      })}
    >
      {(d) => (
        <>
          <Stats>
            <Stat label="Sent from the phone app" value={formatCount(d.totals.phone_app)} />
            <Stat label="Sent through the API" value={formatCount(d.totals.api)} />
            <Stat label="API share" value={formatShare(d.totals.api_share)} testId="api-share" />
          </Stats>
          <ChartBox
            label={`Outbound messages per day; the API sent ${formatShare(d.totals.api_share)} of them.`}
            height={240}
          >
            <ComposedChart data={d.series} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
              <CartesianGrid {...gridProps} />
              <XAxis
                dataKey="bucket"
                {...axisProps}
                tickFormatter={bucketTick(timeZone)}
                interval="preserveStartEnd"
                minTickGap={24}
              />
              <YAxis
                yAxisId="count"
                {...axisProps}
                tickFormatter={countTick}
                width={Y_AXIS_WIDTH}
                allowDecimals={false}
                label={yLabel('Messages sent')}
              />
              <YAxis
                yAxisId="share"
                orientation="right"
                {...axisProps}
                domain={[0, 1]}
                tickFormatter={(v: number) => formatShare(v)}
                width={44}
              />
              <Tooltip
                {...tooltipProps}
                labelFormatter={(l) => formatBucket(String(l), timeZone)}
                formatter={tooltipValue}
              />
              <Legend {...legendProps} />
              <Bar
                isAnimationActive={ANIMATE}
                yAxisId="count"
                dataKey="phone_app"
                name="Phone app"
                stackId="s"
                fill={SERIES.phoneApp}
                maxBarSize={28}
              />
              <Bar
                isAnimationActive={ANIMATE}
                yAxisId="count"
                dataKey="api"
                name="API"
                stackId="s"
                fill={SERIES.api}
                maxBarSize={28}
              />
              <Line
                isAnimationActive={ANIMATE}
                yAxisId="share"
                type="monotone"
                dataKey="api_share"
                name="API share"
                stroke={SERIES.share}
                strokeWidth={1.5}
                strokeDasharray="4 3"
                dot={false}
                connectNulls
              />
            </ComposedChart>
          </ChartBox>
        </>
      )}
    </ReportCard>
  );
}
