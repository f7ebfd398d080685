import { Badge } from '../ui/Badge.js';

export interface FeatureRow {
  id: string;
  feature: string;
  appChange: string;
  apiSupport: 'supported' | 'not_supported';
  note: string;
}

/**
 * The seed's feature comparison: what changes in the WhatsApp Business app once the number is
 * also on the Cloud API, and whether the API offers it. Shown before connecting and on each
 * number's page.
 */
export function FeatureTable({ features, caption }: { features: FeatureRow[]; caption: string }) {
  return (
    <div className="table-wrap">
      <table className="table table-stack feature-table">
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Feature of the WhatsApp Business app</th>
            <th scope="col">What changes on the phone</th>
            <th scope="col">Through the API</th>
          </tr>
        </thead>
        <tbody>
          {features.map((row) => (
            <tr key={row.id} data-feature={row.id}>
              <th scope="row" data-label="Feature">
                {row.feature}
              </th>
              <td data-label="On the phone" className={row.appChange === 'No change.' ? 'muted' : undefined}>
                {row.appChange}
              </td>
              <td data-label="Through the API">
                {row.apiSupport === 'supported' ? (
                  <Badge tone="ok" label="Supported" />
                ) : (
                  <Badge tone="neutral" label="Not supported" icon="cross" />
                )}
                <p className="small muted feature-note">{row.note}</p>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function fromCompatibility(
  features: Array<{ id: string; feature: string; app_change: string; api_support: string; note: string }>,
): FeatureRow[] {
  return features.map((f) => ({
    id: f.id,
    feature: f.feature,
    appChange: f.app_change,
    apiSupport: f.api_support === 'supported' ? 'supported' : 'not_supported',
    note: f.note,
  }));
}
