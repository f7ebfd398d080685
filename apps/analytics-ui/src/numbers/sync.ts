import type { NumberView, SyncState } from '../api/types.js';

/** Meta's history phases: 0 = day 0–1, 1 = day 1–90, 2 = day 90–180 before onboarding. */
export const HISTORY_PHASES = [
  { phase: 0, label: 'Last day' },
  { phase: 1, label: 'Days 1–90' },
  { phase: 2, label: 'Days 90–180' },
] as const;

export type PhaseState = 'done' | 'current' | 'pending';

/** Where each phase stands, given the furthest phase seen and whether the sync completed. */
export function phaseStates(phase: number | null, state: SyncState): PhaseState[] {
  return HISTORY_PHASES.map(({ phase: p }) => {
    if (state === 'completed') return 'done';
    if (phase === null) return state === 'receiving' && p === 0 ? 'current' : 'pending';
    if (p < phase) return 'done';
    if (p === phase) return state === 'receiving' || state === 'requested' ? 'current' : 'pending';
    return 'pending';
  });
}

export function isSyncing(state: SyncState): boolean {
  return state === 'requested' || state === 'receiving';
}

/** How often a number's page asks again: fast while a sync moves, slowly otherwise. */
export function numberRefreshMs(number: NumberView | undefined): number {
  if (!number) return 3_000;
  const moving =
    isSyncing(number.sync.history.state) ||
    isSyncing(number.sync.contacts.state) ||
    number.status === 'signed_up' ||
    number.status === 'confirmed' ||
    (number.sync.history.shared &&
      number.sync.history.state === 'not_requested' &&
      number.status === 'active');
  return moving ? 1_500 : 15_000;
}

/** The history sync's progress as the UI shows it: 100 once completed, whatever Meta last said. */
export function historyProgress(history: { state: SyncState; progress: number }): number {
  if (history.state === 'completed') return 100;
  return Math.max(0, Math.min(100, history.progress ?? 0));
}

/** A syncs' deadline matters only while one of them still has to be requested. */
export function deadlinePending(number: NumberView): boolean {
  return (
    number.sync.contacts.state === 'not_requested' ||
    (number.sync.history.shared && number.sync.history.state === 'not_requested')
  );
}
