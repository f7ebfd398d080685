import type { ReactNode } from 'react';
import { adviceFor, isTransient, messageOf } from '../api/advice.js';
import { ApiError } from '../api/client.js';
import { Icon } from './Icon.js';

export function PageHeader({
  title,
  subtitle,
  actions,
}: {
  title: ReactNode;
  subtitle?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <header className="page-header">
      <div className="page-header-text">
        <h1>{title}</h1>
        {subtitle ? <p className="page-subtitle">{subtitle}</p> : null}
      </div>
      {actions ? <div className="page-actions">{actions}</div> : null}
    </header>
  );
}

export function Card({
  title,
  description,
  actions,
  children,
  id,
  className,
  headingLevel = 2,
}: {
  title?: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  id?: string;
  className?: string;
  headingLevel?: 2 | 3;
}) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const headingId = id ? `${id}-title` : undefined;
  return (
    <section className={`card${className ? ` ${className}` : ''}`} id={id} aria-labelledby={headingId}>
      {title || actions ? (
        <div className="card-header">
          <div>
            {title ? <Heading id={headingId}>{title}</Heading> : null}
            {description ? <p className="card-description">{description}</p> : null}
          </div>
          {actions ? <div className="card-actions">{actions}</div> : null}
        </div>
      ) : null}
      {children}
    </section>
  );
}

export function Stat({
  label,
  value,
  hint,
  testId,
}: {
  label: string;
  value: ReactNode;
  hint?: ReactNode;
  testId?: string;
}) {
  return (
    <div className="stat" data-testid={testId}>
      <dt className="stat-label">{label}</dt>
      <dd className="stat-value">{value}</dd>
      {hint ? <dd className="stat-hint">{hint}</dd> : null}
    </div>
  );
}

export function Stats({ children }: { children: ReactNode }) {
  return <dl className="stats">{children}</dl>;
}

export function Skeleton({
  height = 16,
  width,
  lines = 1,
}: {
  height?: number;
  width?: string;
  lines?: number;
}) {
  return (
    <div className="skeleton-group" aria-hidden="true">
      {Array.from({ length: lines }, (_, i) => (
        <div
          key={i}
          className="skeleton"
          style={{ height, width: width ?? (lines > 1 && i === lines - 1 ? '60%' : '100%') }}
        />
      ))}
    </div>
  );
}

/** A placeholder with the shape of what is coming, and words for screen readers. */
export function Loading({ label = 'Loading', height = 180 }: { label?: string; height?: number }) {
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="sr-only">{label}…</span>
      <Skeleton height={height} />
    </div>
  );
}

export function EmptyState({
  title,
  children,
  action,
}: {
  title: string;
  children?: ReactNode;
  action?: ReactNode;
}) {
  return (
    <div className="empty">
      <Icon name="info" className="empty-icon" />
      <div>
        <p className="empty-title">{title}</p>
        {children ? <div className="empty-body">{children}</div> : null}
        {action ? <div className="empty-action">{action}</div> : null}
      </div>
    </div>
  );
}

/** An error in words: what happened (the API's message) and what to do about it. */
export function ErrorNotice({
  error,
  title,
  onRetry,
  compact,
}: {
  error: unknown;
  title?: string;
  onRetry?: () => void;
  compact?: boolean;
}) {
  const advice = adviceFor(error);
  const code = error instanceof ApiError ? error.code : null;
  return (
    <div className={`notice notice-bad${compact ? ' notice-compact' : ''}`} role="alert">
      <Icon name="alert" className="notice-icon" />
      <div className="notice-body">
        <p className="notice-title">{title ?? 'That did not work'}</p>
        <p>{messageOf(error)}</p>
        {advice ? <p className="notice-advice">{advice}</p> : null}
        {code && !compact ? <p className="notice-code">Code: {code}</p> : null}
        {onRetry ? (
          <button type="button" className="button button-secondary button-small" onClick={onRetry}>
            <Icon name="refresh" />
            {isTransient(error) ? 'Try again' : 'Retry'}
          </button>
        ) : null}
      </div>
    </div>
  );
}

export function Notice({
  tone,
  title,
  children,
  role,
}: {
  tone: 'info' | 'warn' | 'ok' | 'bad';
  title?: ReactNode;
  children?: ReactNode;
  role?: 'status' | 'alert';
}) {
  const icon = tone === 'ok' ? 'check' : tone === 'info' ? 'info' : 'alert';
  return (
    <div className={`notice notice-${tone}`} role={role}>
      <Icon name={icon} className="notice-icon" />
      <div className="notice-body">
        {title ? <p className="notice-title">{title}</p> : null}
        {children}
      </div>
    </div>
  );
}

export function ProgressBar({ value, label, detail }: { value: number; label: string; detail?: ReactNode }) {
  const clamped = Math.max(0, Math.min(100, Math.round(value)));
  return (
    <div className="progress">
      <div className="progress-head">
        <span className="progress-label">{label}</span>
        <span className="progress-value">{clamped} %</span>
      </div>
      <div
        className={`progress-track${clamped >= 100 ? ' progress-done' : ''}`}
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={clamped}
        aria-valuetext={`${clamped} %`}
      >
        <div className="progress-fill" style={{ width: `${clamped}%` }} />
      </div>
      {detail ? <div className="progress-detail">{detail}</div> : null}
    </div>
  );
}
