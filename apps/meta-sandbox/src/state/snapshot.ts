import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TemplateRecord } from '../templates/store.js';
import type { BusinessToken, PhoneNumber, Portfolio, Waba } from './world.js';

/**
 * What survives a restart when a state file is set: businesses, WABAs, numbers with their sync
 * state and service windows, templates and tokens, so that a platform holding tokens keeps
 * working. Phones are regenerated from the seed; counters start again.
 */
export interface SavedState {
  version: 1;
  clockOffsetMs: number;
  portfolios: Portfolio[];
  wabas: Array<Omit<Waba, 'templates'> & { templates: TemplateRecord[] }>;
  numbers: Array<
    Omit<
      PhoneNumber,
      | 'serviceWindows'
      | 'inboundWamids'
      | 'callbackData'
      | 'counters'
      | 'window'
      | 'acceptedPeak'
      | 'trafficPeak'
      | 'pairRate'
      | 'sends'
      | 'sendsNext'
      | 'phone'
    > & { serviceWindows: Array<[string, number]>; inboundWamids: string[] }
  >;
  tokens: Array<Omit<BusinessToken, 'wabaIds'> & { wabaIds: string[] }>;
}

interface World {
  clock: { offset: number };
  portfolios: Map<string, Portfolio>;
  wabas: Map<string, Waba>;
  numbers: Map<string, PhoneNumber>;
  tokens: Map<string, BusinessToken>;
}

export function toSavedState(world: World): SavedState {
  return {
    version: 1,
    clockOffsetMs: world.clock.offset,
    portfolios: [...world.portfolios.values()],
    wabas: [...world.wabas.values()].map(({ templates, ...waba }) => ({
      ...waba,
      templates: [...templates.all()],
    })),
    numbers: [...world.numbers.values()].map(
      ({
        serviceWindows,
        inboundWamids,
        callbackData: _callbackData,
        counters: _counters,
        window: _window,
        acceptedPeak: _acceptedPeak,
        trafficPeak: _trafficPeak,
        pairRate: _pairRate,
        sends: _sends,
        sendsNext: _sendsNext,
        phone: _phone,
        ...number
      }) => ({
        ...number,
        serviceWindows: [...serviceWindows],
        inboundWamids: [...inboundWamids].slice(-1000),
      }),
    ),
    tokens: [...world.tokens.values()].map((token) => ({ ...token, wabaIds: [...token.wabaIds] })),
  };
}

export function saveState(file: string, state: SavedState): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.tmp`;
  writeFileSync(temporary, JSON.stringify(state));
  renameSync(temporary, file);
}

/** The saved state, or null when there is none yet (or it cannot be read: then it starts empty). */
export function loadState(file: string): SavedState | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  try {
    const state = JSON.parse(text) as SavedState;
    return state.version === 1 ? state : null;
  } catch {
    return null;
  }
}
