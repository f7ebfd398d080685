import type { NumberAlertView } from '../api/types.js';
import { formatDateTime } from '../format/dates.js';
import { plural } from '../format/numbers.js';
import { Icon } from '../ui/Icon.js';

const TITLES: Record<string, { title: string; tone: 'warn' | 'bad' }> = {
  // Meta error 131060
  message_unavailable: { title: 'Messages to check in the WhatsApp Business app', tone: 'warn' },
  meta_error: { title: 'Meta reported an error', tone: 'warn' },
  partner_removed: { title: 'Unlinked from the Cloud API', tone: 'bad' },
  account_offboarded: { title: 'Offboarded by Meta', tone: 'bad' },
  sync_failed: { title: 'Sync refused by Meta', tone: 'bad' },
  sync_window_expired: { title: 'Sync window closed', tone: 'bad' },
  sync_deadline: { title: 'Sync deadline approaching', tone: 'warn' },
};

export function alertTitle(code: string): { title: string; tone: 'warn' | 'bad' } {
  return TITLES[code] ?? { title: `Meta reported ${code}`, tone: 'warn' };
}

export function Alerts({ alerts, timeZone }: { alerts: NumberAlertView[]; timeZone: string | null }) {
  if (alerts.length === 0) return null;
  return (
    <ul className="alerts" aria-label="Alerts">
      {alerts.map((alert) => {
        const { title, tone } = alertTitle(alert.code);
        return (
          <li
            key={`${alert.code}-${alert.first_at}`}
            className={`notice notice-${tone}`}
            data-alert={alert.code}
          >
            <Icon name="alert" className="notice-icon" />
            <div className="notice-body">
              <p className="notice-title">
                {title}
                {alert.count > 1 ? <span className="muted"> · {plural(alert.count, 'time')}</span> : null}
              </p>
              <p>{alert.message}</p>
              {alert.code === 'message_unavailable' ? (
                <p className="notice-advice">
                  Ask the owner to open these chats in the WhatsApp Business app: a customer may be using a
                  companion device Meta cannot mirror.
                </p>
              ) : null}
              {alert.last_at ? (
                <p className="notice-code">
                  {alert.count > 1 && alert.first_at && alert.first_at !== alert.last_at
                    ? `First ${formatDateTime(alert.first_at, timeZone)}, last ${formatDateTime(alert.last_at, timeZone)}`
                    : formatDateTime(alert.last_at, timeZone)}
                  {alert.wamids?.length ? ` · ${plural(alert.wamids.length, 'message')}` : ''}
                </p>
              ) : null}
            </div>
          </li>
        );
      })}
    </ul>
  );
}
