import { type ReactNode, useId, useState } from 'react';
import type { Resource } from '../api/useResource.js';
import { Badge } from '../ui/Badge.js';
import { Icon } from '../ui/Icon.js';
import { EmptyState, ErrorNotice, Loading } from '../ui/layout.js';

export interface Column {
  key: string;
  label: string;
  numeric?: boolean;
}

export interface TableData {
  columns: Column[];
  rows: Array<Record<string, ReactNode>>;
}

export function DataTable({ table, caption }: { table: TableData; caption: string }) {
  return (
    <div className="table-wrap table-scroll">
      <table className="table">
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            {table.columns.map((column) => (
              <th key={column.key} scope="col" className={column.numeric ? 'num' : undefined}>
                {column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {table.rows.map((row, i) => (
            <tr key={i}>
              {table.columns.map((column) => (
                <td key={column.key} className={column.numeric ? 'num' : undefined}>
                  {row[column.key]}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * One analytics report: its loading, error and empty states, and the chart with a table view of
 * the same numbers (for screen readers, exact values, and analysts who want rows).
 */
export function ReportCard<T>({
  id,
  title,
  description,
  resource,
  isEmpty,
  empty,
  table,
  actions,
  children,
  height = 260,
}: {
  id: string;
  title: string;
  description?: ReactNode;
  resource: Resource<T>;
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  table?: (data: T) => TableData;
  actions?: ReactNode;
  children: (data: T) => ReactNode;
  height?: number;
}) {
  const [asTable, setAsTable] = useState(false);
  const headingId = useId();
  const { data, error, loading } = resource;
  const emptyNow = data !== undefined && isEmpty?.(data);
  return (
    <section className="card report" id={id} aria-labelledby={headingId} data-report={id} aria-busy={loading}>
      <div className="card-header">
        <div>
          <h2 id={headingId}>{title}</h2>
          {description ? <p className="card-description">{description}</p> : null}
        </div>
        <div className="card-actions">
          {isUpdating(data) ? (
            <span role="status" data-testid={`${id}-updating`}>
              <Badge
                tone="progress"
                label="Updating"
                title="New messages are still being added to this report."
              />
            </span>
          ) : null}
          {actions}
          {table && data !== undefined && !emptyNow ? (
            <button
              type="button"
              className="button button-ghost button-small"
              aria-pressed={asTable}
              onClick={() => setAsTable((t) => !t)}
            >
              <Icon name={asTable ? 'chart' : 'table'} />
              {asTable ? 'Chart' : 'Table'}
            </button>
          ) : null}
        </div>
      </div>
      {loading ? <Loading label={`Loading ${title.toLowerCase()}`} height={height} /> : null}
      {error ? (
        <ErrorNotice error={error} title={`${title} could not be loaded`} onRetry={resource.reload} compact />
      ) : null}
      {data !== undefined && emptyNow
        ? (empty ?? (
            <EmptyState title="Nothing in this range.">
              <p>Pick a wider date range above.</p>
            </EmptyState>
          ))
        : null}
      {data !== undefined && !emptyNow ? (
        asTable && table ? (
          <DataTable table={table(data)} caption={title} />
        ) : (
          children(data)
        )
      ) : null}
    </section>
  );
}

/** A report that says new messages are still being folded into it (docs/analytics.md). */
function isUpdating(data: unknown): boolean {
  return typeof data === 'object' && data !== null && (data as { updating?: unknown }).updating === true;
}
