import type { ReactNode } from 'react';
import { ResponsiveContainer } from 'recharts';
import { formatBucket } from '../../format/dates.js';
import { formatCompact, formatCount } from '../../format/numbers.js';
import { AXIS, GRID } from '../palette.js';

/** Charts draw at once for people who asked for less motion (and in the browser tests). */
export const ANIMATE =
  typeof window === 'undefined' || !window.matchMedia?.('(prefers-reduced-motion: reduce)').matches;

/** A chart that fills its card's width at a fixed height, described for screen readers. */
export function ChartBox({
  height = 260,
  label,
  children,
}: {
  height?: number;
  label: string;
  children: ReactNode;
}) {
  return (
    <figure className="chart" style={{ height }}>
      <figcaption className="sr-only">{label}</figcaption>
      <ResponsiveContainer width="100%" height="100%" minWidth={0}>
        {children as never}
      </ResponsiveContainer>
    </figure>
  );
}

export const gridProps = { stroke: GRID, vertical: false } as const;

export const axisProps = {
  stroke: AXIS,
  tick: { fill: AXIS, fontSize: 12 },
  tickLine: false,
  axisLine: { stroke: GRID },
} as const;

export const tooltipProps = {
  contentStyle: {
    borderRadius: 8,
    border: '1px solid #e2e6ee',
    boxShadow: '0 4px 16px rgba(15, 23, 42, 0.08)',
    fontSize: 13,
    padding: '8px 12px',
  },
  labelStyle: { fontWeight: 600, color: '#111827', marginBottom: 4 },
  cursor: { fill: 'rgba(47, 111, 223, 0.06)' },
} as const;

export const legendProps = {
  iconType: 'circle' as const,
  iconSize: 9,
  wrapperStyle: { fontSize: 13, paddingTop: 8 },
  // Recharts colours legend text like its series; dark text reads better, the dot keeps the colour
  formatter: (value: string) => <span className="legend-text">{value}</span>,
};

export const countTick = (value: number) => formatCompact(value);

export const countTooltip = (value: unknown) =>
  typeof value === 'number' ? formatCount(value) : String(value);

export function bucketTick(timeZone: string | null) {
  return (value: string) => formatBucket(String(value), timeZone);
}

/** Room for four-digit ticks beside the rotated axis label. */
export const Y_AXIS_WIDTH = 68;

export function yLabel(value: string) {
  return {
    value,
    angle: -90,
    position: 'insideLeft' as const,
    offset: 14,
    style: { fill: AXIS, fontSize: 12, textAnchor: 'middle' as const },
  };
}

/** Largest entry by a numeric field, for chart summaries. */
export function peak<T>(rows: readonly T[], value: (row: T) => number): T | null {
  let best: T | null = null;
  for (const row of rows) if (best === null || value(row) > value(best)) best = row;
  return best;
}
