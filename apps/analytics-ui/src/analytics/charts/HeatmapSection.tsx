import { useState } from 'react';
import type { HeatmapReport } from '../../api/types.js';
import type { Resource } from '../../api/useResource.js';
import { formatCount } from '../../format/numbers.js';
import { heatColour, heatText } from '../palette.js';
import { ReportCard } from '../ReportCard.js';

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const HOURS = Array.from({ length: 24 }, (_, h) => h);

type Metric = 'messages' | 'inbound' | 'outbound';
const METRICS: Array<{ id: Metric; label: string }> = [
  { id: 'messages', label: 'All' },
  { id: 'inbound', label: 'Received' },
  { id: 'outbound', label: 'Sent' },
];

const hourLabel = (hour: number) => `${String(hour).padStart(2, '0')}:00`;

/** The 7 × 24 grid as a lookup, whatever order and completeness the report has. */
export function heatGrid(report: HeatmapReport, metric: Metric): { grid: number[][]; max: number } {
  const grid = WEEKDAYS.map(() => HOURS.map(() => 0));
  let max = 0;
  for (const cell of report.cells) {
    const row = grid[cell.weekday - 1];
    if (!row || cell.hour < 0 || cell.hour > 23) continue;
    row[cell.hour] = cell[metric];
    max = Math.max(max, cell[metric]);
  }
  return { grid, max };
}

export function busiestSlot(grid: number[][]): { weekday: number; hour: number; value: number } | null {
  let best: { weekday: number; hour: number; value: number } | null = null;
  grid.forEach((row, d) => {
    row.forEach((value, h) => {
      if (value > 0 && (best === null || value > best.value)) best = { weekday: d + 1, hour: h, value };
    });
  });
  return best;
}

export function HeatmapSection({
  resource,
  timeZone,
}: {
  resource: Resource<HeatmapReport>;
  timeZone: string | null;
}) {
  const [metric, setMetric] = useState<Metric>('messages');
  return (
    <ReportCard
      id="heatmap"
      title="Busiest hours"
      description={`Messages by weekday and hour${timeZone ? `, in ${timeZone}` : ''}.`}
      resource={resource}
      isEmpty={(d) => d.cells.every((c) => c.messages === 0)}
      actions={
        <fieldset className="segmented">
          <legend className="sr-only">Count</legend>
          {METRICS.map((m) => (
            <button
              key={m.id}
              type="button"
              className="segmented-option"
              aria-pressed={metric === m.id}
              onClick={() => setMetric(m.id)}
            >
              {m.label}
            </button>
          ))}
        </fieldset>
      }
      table={(d) => {
        const { grid } = heatGrid(d, metric);
        return {
          columns: [
            { key: 'day', label: 'Weekday' },
            ...HOURS.map((h) => ({ key: String(h), label: hourLabel(h), numeric: true })),
          ],
          rows: grid.map((row, i) => ({
            day: WEEKDAYS[i],
            ...Object.fromEntries(row.map((v, h) => [String(h), formatCount(v)])),
          })),
        };
      }}
    >
      {(d) => {
        const { grid, max } = heatGrid(d, metric);
        const busiest = busiestSlot(grid);
        return (
          <div className="heatmap-wrap">
            {busiest ? (
              <p className="small" data-testid="busiest-slot">
                Busiest: <strong>{WEEKDAYS[busiest.weekday - 1]}</strong>,{' '}
                <strong>
                  {hourLabel(busiest.hour)}–{hourLabel((busiest.hour + 1) % 24)}
                </strong>{' '}
                with {formatCount(busiest.value)} messages.
              </p>
            ) : null}
            <table className="heatmap">
              <caption className="sr-only">
                Messages per weekday (rows) and hour (columns); the darker, the more.
              </caption>
              <thead>
                <tr>
                  <th scope="col" className="heatmap-label">
                    <span className="sr-only">Weekday</span>
                  </th>
                  {HOURS.map((h) => (
                    <th key={h} scope="col" className="heatmap-label heatmap-hour">
                      <span className={h % 3 === 0 ? undefined : 'sr-only'}>
                        {h % 3 === 0 ? String(h).padStart(2, '0') : hourLabel(h)}
                      </span>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {grid.map((row, i) => (
                  <tr key={WEEKDAYS[i]}>
                    <th scope="row" className="heatmap-label heatmap-day">
                      <abbr title={WEEKDAYS[i]}>{WEEKDAYS[i]?.slice(0, 3)}</abbr>
                    </th>
                    {row.map((value, h) => {
                      const intensity = max > 0 ? value / max : 0;
                      const label = `${WEEKDAYS[i]} ${hourLabel(h)}–${hourLabel((h + 1) % 24)}: ${formatCount(value)} messages`;
                      return (
                        <td
                          key={h}
                          className="heatmap-cell"
                          style={{ background: heatColour(intensity), color: heatText(intensity) }}
                          title={label}
                        >
                          <span className="sr-only">{label}</span>
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
            <div className="heatmap-legend" aria-hidden="true">
              <span>0</span>
              <span className="heatmap-scale" />
              <span>{formatCount(max)}</span>
            </div>
          </div>
        );
      }}
    </ReportCard>
  );
}
