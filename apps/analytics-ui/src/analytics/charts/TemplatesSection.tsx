import type { TemplatesReport } from '../../api/types.js';
import type { Resource } from '../../api/useResource.js';
import { Link } from '../../app/router.js';
import { formatCount, formatShare } from '../../format/numbers.js';
import { EmptyState } from '../../ui/layout.js';
import { SERIES } from '../palette.js';
import { DataTable, ReportCard } from '../ReportCard.js';

const STAGES = [
  { key: 'sent', label: 'Sent', color: SERIES.sent },
  { key: 'delivered', label: 'Delivered', color: SERIES.delivered },
  { key: 'read', label: 'Read', color: SERIES.read },
] as const;

type Template = TemplatesReport['templates'][number];

/** Each stage as a share of sent, for the bar widths. */
export function funnelShares(t: Template): Record<'sent' | 'delivered' | 'read', number> {
  const base = Math.max(t.sent, 1);
  return { sent: t.sent > 0 ? 1 : 0, delivered: t.delivered / base, read: t.read / base };
}

function Funnel({ template }: { template: Template }) {
  const shares = funnelShares(template);
  return (
    <div className="funnel" data-template={template.name}>
      <div className="row-between">
        <p className="label-strong">
          {template.name} <span className="muted small">({template.language})</span>
        </p>
        {template.failed > 0 ? (
          <span className="small text-bad">{formatCount(template.failed)} failed</span>
        ) : (
          <span className="small muted">none failed</span>
        )}
      </div>
      <ul className="funnel-bars" aria-label={`${template.name} funnel`}>
        {STAGES.map((stage) => (
          <li key={stage.key} className="funnel-row">
            <span className="funnel-label">{stage.label}</span>
            <span className="funnel-track">
              <span
                className="funnel-fill"
                style={{
                  width: `${Math.max(shares[stage.key] * 100, template[stage.key] > 0 ? 1.5 : 0)}%`,
                  background: stage.color,
                }}
              />
            </span>
            <span className="funnel-value" data-stage={stage.key}>
              {formatCount(template[stage.key])}
              {stage.key !== 'sent' ? (
                <span className="muted"> · {formatShare(shares[stage.key])}</span>
              ) : null}
            </span>
          </li>
        ))}
      </ul>
      {template.failures.length > 0 ? (
        <DataTable
          caption={`Failures of ${template.name}`}
          table={{
            columns: [
              { key: 'code', label: 'Error' },
              { key: 'title', label: 'Meaning' },
              { key: 'count', label: 'Messages', numeric: true },
            ],
            rows: template.failures.map((f) => ({
              code: String(f.code),
              title: f.title ?? '—',
              count: formatCount(f.count),
            })),
          }}
        />
      ) : null}
    </div>
  );
}

export function TemplatesSection({
  resource,
  phoneNumberId,
}: {
  resource: Resource<TemplatesReport>;
  phoneNumberId: string;
}) {
  return (
    <ReportCard
      id="templates"
      title="Template funnel"
      description="Templates sent through the API: how many were delivered and read, and why the others failed."
      resource={resource}
      isEmpty={(d) => d.templates.length === 0}
      empty={
        <EmptyState
          title="No templates sent in this range."
          action={<Link to={`/send?number=${phoneNumberId}`}>Send a template</Link>}
        >
          <p>Templates sent through Coexist appear here with their delivery and read rates.</p>
        </EmptyState>
      }
      table={(d) => ({
        columns: [
          { key: 'name', label: 'Template' },
          { key: 'sent', label: 'Sent', numeric: true },
          { key: 'delivered', label: 'Delivered', numeric: true },
          { key: 'read', label: 'Read', numeric: true },
          { key: 'failed', label: 'Failed', numeric: true },
          { key: 'rates', label: 'Delivered / read rate', numeric: true },
        ],
        rows: d.templates.map((t) => ({
          name: `${t.name} (${t.language})`,
          sent: formatCount(t.sent),
          delivered: formatCount(t.delivered),
          read: formatCount(t.read),
          failed: formatCount(t.failed),
          rates: `${formatShare(t.delivered_rate)} / ${formatShare(t.read_rate)}`,
        })),
      })}
    >
      {(d) => (
        <div className="funnels">
          {d.templates.map((t) => (
            <Funnel key={`${t.name}:${t.language}`} template={t} />
          ))}
        </div>
      )}
    </ReportCard>
  );
}
