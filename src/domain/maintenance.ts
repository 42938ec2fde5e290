import type { Clock } from '../security/clock.js';
import type { MaintenanceResult } from '../store/aanwijzing-rows.js';
import type { Store } from '../store/store.js';

const DAY_MS = 86_400_000;

/** Retention periods, in days. */
export interface RetentionPolicy {
  readonly closedSignalDays: number;
  readonly processingLogDays: number;
  readonly withdrawnOptOutDays: number;
}

/**
 * One maintenance run: signals past their last valid day expire, personal data of signals closed
 * longer than the retention period is removed, old processing-log records go, and withdrawn
 * opt-outs lose their BSN after their period. Idempotent:
 * running it twice, or on two instances, changes nothing the second time.
 */
export async function runMaintenance(store: Store, clock: Clock, retention: RetentionPolicy): Promise<MaintenanceResult> {
  const now = clock.now().getTime();
  return store.runMaintenance({
    today: new Date(now).toISOString().slice(0, 10),
    now,
    purgeClosedBefore: now - retention.closedSignalDays * DAY_MS,
    purgeLogBefore: now - retention.processingLogDays * DAY_MS,
    purgeWithdrawnOptOutsBefore: now - retention.withdrawnOptOutDays * DAY_MS,
  });
}
