import { useCallback, useEffect, useState } from 'react';
import { useApi } from '../api/context.js';
import type { MessageView } from '../api/types.js';
import { useResource } from '../api/useResource.js';
import { formatPhone } from '../format/phone.js';
import { MessageBadge } from '../ui/Badge.js';
import { Icon } from '../ui/Icon.js';
import { ErrorNotice } from '../ui/layout.js';
import { statusRefreshMs, statusSteps } from './serviceWindow.js';

export interface SentMessage {
  id: string;
  to: string;
  summary: string;
  sentAt: number;
}

const RECENT_LIMIT = 20;
const recentKey = (phoneNumberId: string) => `coexist.sent.${phoneNumberId}`;

function readRecent(phoneNumberId: string | null): SentMessage[] {
  if (!phoneNumberId) return [];
  try {
    const parsed: unknown = JSON.parse(sessionStorage.getItem(recentKey(phoneNumberId)) ?? '[]');
    return Array.isArray(parsed) ? (parsed as SentMessage[]).slice(0, RECENT_LIMIT) : [];
  } catch {
    return [];
  }
}

/** The messages sent from this tab for a number, kept while the tab lives so statuses stay in view. */
export function useRecentSends(
  phoneNumberId: string | null,
): [SentMessage[], (message: SentMessage) => void] {
  const [sent, setSent] = useState<SentMessage[]>(() => readRecent(phoneNumberId));
  useEffect(() => setSent(readRecent(phoneNumberId)), [phoneNumberId]);
  const add = useCallback(
    (message: SentMessage) => {
      if (!phoneNumberId) return;
      const next = [message, ...readRecent(phoneNumberId).filter((m) => m.id !== message.id)].slice(
        0,
        RECENT_LIMIT,
      );
      try {
        sessionStorage.setItem(recentKey(phoneNumberId), JSON.stringify(next));
      } catch {}
      setSent(next);
    },
    [phoneNumberId],
  );
  return [sent, add];
}

/** One sent message, followed through Coexist and Meta until it is read or fails. */
export function MessageTracker({ message }: { message: SentMessage }) {
  const api = useApi();
  const status = useResource(
    `message:${message.id}`,
    (signal) => api.get<MessageView>(`/v1/messages/${encodeURIComponent(message.id)}`, signal),
    { refreshMs: (data) => statusRefreshMs(data?.status, Date.now() - message.sentAt) },
  );
  const current = status.data?.status ?? 'queued';
  const steps = statusSteps(current);
  const error = status.data?.error;
  return (
    <li className="tracker" data-message={message.id} data-status={current}>
      <div className="row-between">
        <div>
          <p className="label-strong">{message.summary}</p>
          <p className="muted small">
            to {formatPhone(message.to)} ·{' '}
            {new Date(message.sentAt).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })}
          </p>
        </div>
        <span aria-live="polite" data-testid="message-status">
          <MessageBadge status={current} />
        </span>
      </div>
      <ol className="tracker-steps" aria-label="Delivery steps">
        {steps.map((step) => (
          <li
            key={step.status}
            className={`tracker-step tracker-${step.state}`}
            aria-current={step.state === 'current' ? 'step' : undefined}
            title={step.detail}
          >
            <Icon name={step.state === 'done' ? 'check' : step.state === 'current' ? 'clock' : 'dot'} />
            <span>{step.label}</span>
            <span className="sr-only">
              {step.state === 'done' ? ' (done)' : step.state === 'current' ? ' (waiting)' : ''}
            </span>
          </li>
        ))}
      </ol>
      {current === 'failed' ? (
        <div className="notice notice-bad notice-compact" role="alert">
          <Icon name="alert" className="notice-icon" />
          <div className="notice-body">
            <p className="notice-title">Not delivered{error?.code ? ` (error ${error.code})` : ''}</p>
            <p>{error?.message ?? error?.title ?? 'Meta reported a failure without details.'}</p>
          </div>
        </div>
      ) : null}
      {status.error && !status.data ? (
        <ErrorNotice error={status.error} compact onRetry={status.reload} />
      ) : null}
      {status.data?.wamid ? (
        <p className="muted tiny mono" title={status.data.wamid}>
          {status.data.wamid}
        </p>
      ) : null}
    </li>
  );
}
