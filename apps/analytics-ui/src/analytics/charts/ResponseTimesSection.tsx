import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import { RESPONSE_BUCKETS, type ResponseTimesReport } from '../../api/types.js';
import type { Resource } from '../../api/useResource.js';
import { formatBucket } from '../../format/dates.js';
import { formatCount, formatSeconds } from '../../format/numbers.js';
import { Stat, Stats } from '../../ui/layout.js';
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

const BUCKET_LABELS: Record<string, string> = {
  '<1m': 'Under 1 min',
  '1-5m': '1–5 min',
  '5-15m': '5–15 min',
  '15-60m': '15–60 min',
  '1-4h': '1–4 h',
  '4-24h': '4–24 h',
  '>24h': 'Over 24 h',
};

const RESPONDERS: Record<string, string> = { phone_app: 'Phone app', api: 'API' };

/** The buckets in their natural order, whatever order the report lists them in. */
export function orderedBuckets(report: ResponseTimesReport) {
  const byName = new Map(report.buckets.map((b) => [b.bucket, b]));
  return RESPONSE_BUCKETS.map((bucket) => ({
    bucket,
    label: BUCKET_LABELS[bucket] ?? bucket,
    first_response: byName.get(bucket)?.first_response ?? 0,
    response: byName.get(bucket)?.response ?? 0,
  }));
}

/** Medians in minutes for the trend chart (seconds read poorly on an axis). */
export function trendInMinutes(report: ResponseTimesReport) {
  return report.trend.map((t) => ({
    day: t.day,
    first: t.first_response_median_seconds === null ? null : t.first_response_median_seconds / 60,
    any: t.response_median_seconds === null ? null : t.response_median_seconds / 60,
    responses: t.responses,
  }));
}

const minutesTooltip = (value: unknown) =>
  typeof value === 'number' ? formatSeconds(Math.round(value * 60)) : String(value ?? '—');

export function ResponseTimesSection({
  resource,
  timeZone,
}: {
  resource: Resource<ResponseTimesReport>;
  timeZone: string | null;
}) {
  return (
    <ReportCard
      id="response-times"
      title="Response times"
      description="From the earliest unanswered customer message to the business’s reply, from the phone app or the API."
      resource={resource}
      isEmpty={(d) => d.response.count === 0 && d.first_response.count === 0}
      table={(d) => ({
        columns: [
          { key: 'bucket', label: 'Time to reply' },
          { key: 'first', label: 'First responses', numeric: true },
          { key: 'any', label: 'All responses', numeric: true },
        ],
        rows: orderedBuckets(d).map((b) => ({
          bucket: b.label,
          first: formatCount(b.first_response),
          any: formatCount(b.response),
        })),
      })}
    >
      {(d) => {
        const trend = trendInMinutes(d);
        return (
          <>
            <Stats>
              <Stat
                label="First response"
                value={formatSeconds(d.first_response.median_seconds)}
                hint={`median · p90 ${formatSeconds(d.first_response.p90_seconds)}`}
                testId="frt-median"
              />
              <Stat
                label="Any response"
                value={formatSeconds(d.response.median_seconds)}
                hint={`median · p90 ${formatSeconds(d.response.p90_seconds)}`}
              />
              <Stat
                label="Responses"
                value={formatCount(d.response.count)}
                hint={`${formatCount(d.first_response.count)} first`}
              />
            </Stats>
            <div className="grid-2 grid-tight">
              <div>
                <h3 className="chart-title">How long customers wait</h3>
                <ChartBox label="Responses by time to reply." height={240}>
                  <BarChart data={orderedBuckets(d)} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
                    <CartesianGrid {...gridProps} />
                    <XAxis
                      dataKey="label"
                      {...axisProps}
                      interval={0}
                      tick={{ ...axisProps.tick, fontSize: 11 }}
                    />
                    <YAxis
                      {...axisProps}
                      tickFormatter={countTick}
                      width={Y_AXIS_WIDTH}
                      allowDecimals={false}
                      label={yLabel('Responses')}
                    />
                    <Tooltip {...tooltipProps} formatter={countTooltip} />
                    <Legend {...legendProps} />
                    <Bar
                      isAnimationActive={ANIMATE}
                      dataKey="first_response"
                      name="First responses"
                      fill={SERIES.firstResponse}
                      maxBarSize={22}
                    />
                    <Bar
                      isAnimationActive={ANIMATE}
                      dataKey="response"
                      name="All responses"
                      fill={SERIES.response}
                      maxBarSize={22}
                    />
                  </BarChart>
                </ChartBox>
              </div>
              <div>
                <h3 className="chart-title">Median per day</h3>
                <ChartBox label="Median response times per day, in minutes." height={240}>
                  <LineChart data={trend} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
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
                      width={Y_AXIS_WIDTH}
                      tickFormatter={(v: number) => `${Math.round(v)}`}
                      label={yLabel('Minutes')}
                    />
                    <Tooltip
                      {...tooltipProps}
                      labelFormatter={(l) => formatBucket(String(l), timeZone)}
                      formatter={minutesTooltip}
                    />
                    <Legend {...legendProps} />
                    <Line
                      isAnimationActive={ANIMATE}
                      type="monotone"
                      dataKey="first"
                      name="First response"
                      stroke={SERIES.firstResponse}
                      strokeWidth={2}
                      dot={false}
                      connectNulls
                    />
                    <Line
                      isAnimationActive={ANIMATE}
                      type="monotone"
                      dataKey="any"
                      name="Any response"
                      stroke={SERIES.response}
                      strokeWidth={2}
                      strokeDasharray="5 3"
                      dot={false}
                      connectNulls
                    />
                  </LineChart>
                </ChartBox>
              </div>
            </div>
            {d.by_responder.length > 0 ? (
              <>
                <h3 className="chart-title">By responder</h3>
                <DataTable
                  caption="Response times by responder"
                  table={{
                    columns: [
                      { key: 'who', label: 'Replied from' },
                      { key: 'count', label: 'Responses', numeric: true },
                      { key: 'median', label: 'Median', numeric: true },
                      { key: 'p90', label: 'p90', numeric: true },
                    ],
                    rows: d.by_responder.map((r) => ({
                      who: RESPONDERS[r.responder] ?? r.responder,
                      count: formatCount(r.count),
                      median: formatSeconds(r.median_seconds),
                      p90: formatSeconds(r.p90_seconds),
                    })),
                  }}
                />
              </>
            ) : null}
          </>
        );
      }}
    </ReportCard>
  );
}
