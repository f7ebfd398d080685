import type { BindingStatus, MessageStatus, SyncState } from '../api/types.js';
import { Icon, type IconName } from './Icon.js';

export type Tone = 'ok' | 'warn' | 'bad' | 'info' | 'neutral' | 'progress';

const TONE_ICON: Record<Tone, IconName> = {
  ok: 'check',
  warn: 'alert',
  bad: 'cross',
  info: 'info',
  neutral: 'dot',
  progress: 'clock',
};

/** A state as an icon and words; the colour only repeats what they say. */
export function Badge({
  tone,
  label,
  icon,
  title,
}: {
  tone: Tone;
  label: string;
  icon?: IconName;
  title?: string;
}) {
  return (
    <span className={`badge badge-${tone}`} title={title}>
      <Icon name={icon ?? TONE_ICON[tone]} />
      {label}
    </span>
  );
}

const BINDING: Record<string, { tone: Tone; label: string }> = {
  started: { tone: 'progress', label: 'Signing up' },
  signed_up: { tone: 'progress', label: 'Awaiting confirmation' },
  confirmed: { tone: 'progress', label: 'Confirmed, not finished' },
  active: { tone: 'ok', label: 'Active' },
  failed: { tone: 'bad', label: 'Failed' },
  removed: { tone: 'bad', label: 'Unlinked by owner' },
  offboarded: { tone: 'warn', label: 'Offboarded' },
};

export function bindingState(status: BindingStatus): { tone: Tone; label: string } {
  return BINDING[status] ?? { tone: 'neutral', label: status };
}

export function BindingBadge({ status }: { status: BindingStatus }) {
  const { tone, label } = bindingState(status);
  return <Badge tone={tone} label={label} />;
}

const SYNC: Record<SyncState, { tone: Tone; label: string; icon?: IconName }> = {
  not_requested: { tone: 'neutral', label: 'Not requested' },
  requested: { tone: 'progress', label: 'Requested' },
  receiving: { tone: 'progress', label: 'Receiving' },
  completed: { tone: 'ok', label: 'Completed' },
  declined: { tone: 'warn', label: 'Not shared', icon: 'pause' },
  failed: { tone: 'bad', label: 'Failed' },
};

export function syncState(state: SyncState | string): { tone: Tone; label: string; icon?: IconName } {
  return SYNC[state as SyncState] ?? { tone: 'neutral', label: state };
}

export function SyncBadge({ state }: { state: SyncState | string }) {
  const { tone, label, icon } = syncState(state);
  return icon ? <Badge tone={tone} label={label} icon={icon} /> : <Badge tone={tone} label={label} />;
}

const MESSAGE: Record<MessageStatus, { tone: Tone; label: string }> = {
  queued: { tone: 'progress', label: 'Queued' },
  sending: { tone: 'progress', label: 'Sending' },
  accepted: { tone: 'progress', label: 'Accepted by Meta' },
  sent: { tone: 'info', label: 'Sent' },
  delivered: { tone: 'info', label: 'Delivered' },
  read: { tone: 'ok', label: 'Read' },
  failed: { tone: 'bad', label: 'Failed' },
};

export function MessageBadge({ status }: { status: MessageStatus | string }) {
  const { tone, label } = MESSAGE[status as MessageStatus] ?? { tone: 'neutral' as Tone, label: status };
  return <Badge tone={tone} label={label} />;
}
