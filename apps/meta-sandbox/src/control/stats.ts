import type { Sandbox } from '../sandbox.js';
import type { PhoneNumber } from '../state/world.js';

/** A number's counters as `GET /__sandbox/numbers/{id}/stats` shows them. */
export function numberStats(number: PhoneNumber) {
  const c = number.counters;
  return {
    phone_number_id: number.id,
    display_phone_number: number.display,
    accepted: c.accepted,
    rejected: c.rejected,
    rejected_by_code: { ...c.rejectedByCode },
    /** the most accepted sends in any sliding second: never above 20 */
    max_accepted_in_any_1s: number.acceptedPeak.peak,
    /** accepted sends and inbound messages together, as Meta counts throughput */
    max_traffic_in_any_1s: number.trafficPeak.peak,
    /** accepted sends whose biz_opaque_callback_data had been accepted before: the platform sent twice */
    duplicates_by_callback_data: c.duplicatesByCallbackData,
    template_sends: c.templates,
    register_calls: c.registerCalls,
    deregister_calls: c.deregisterCalls,
    mark_as_read: c.markAsRead,
    inbound: c.inbound,
    echoes: c.echoes,
    unavailable: c.unavailable,
  };
}

/** Every number's counters, their totals, webhook delivery and Graph traffic. */
export function allStats(sandbox: Sandbox, includeNumbers: boolean) {
  const totals = {
    accepted: 0,
    rejected: 0,
    rejected_by_code: {} as Record<string, number>,
    max_accepted_in_any_1s: 0,
    duplicates_by_callback_data: 0,
    register_calls: 0,
    deregister_calls: 0,
    inbound: 0,
  };
  const numbers: Record<string, ReturnType<typeof numberStats>> = {};
  for (const number of sandbox.numbers.values()) {
    const stats = numberStats(number);
    if (includeNumbers) numbers[number.id] = stats;
    totals.accepted += stats.accepted;
    totals.rejected += stats.rejected;
    for (const [code, count] of Object.entries(stats.rejected_by_code)) {
      totals.rejected_by_code[code] = (totals.rejected_by_code[code] ?? 0) + count;
    }
    totals.max_accepted_in_any_1s = Math.max(totals.max_accepted_in_any_1s, stats.max_accepted_in_any_1s);
    totals.duplicates_by_callback_data += stats.duplicates_by_callback_data;
    totals.register_calls += stats.register_calls;
    totals.deregister_calls += stats.deregister_calls;
    totals.inbound += stats.inbound;
  }
  return {
    totals,
    numbers: includeNumbers ? numbers : undefined,
    webhooks: {
      ...sandbox.delivery.stats(),
      not_subscribed: sandbox.notSubscribedDrops,
      statuses_pending: sandbox.statuses.pending(),
    },
    graph: { requests: sandbox.graphRequests, timed_out: sandbox.graphTimeouts },
  };
}
