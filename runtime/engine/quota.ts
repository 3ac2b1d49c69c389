// The daily contact-add quota (`quota contact-add { … }`): the limit an enterprise's profile gives,
// and the calendar day an attempt counts in. Pure functions of the IR and the event.
import type { EnterpriseProfile } from './events.ts';
import type { IrContactQuota, IrQuotaAdjustment } from '../ir.ts';

const DAY_MS = 86_400_000;

/** Whether an adjustment's condition holds for a profile; a factor the profile lacks never holds. */
export function conditionHolds(a: IrQuotaAdjustment, p: EnterpriseProfile): boolean {
  const v = p[a.factor];
  if (v === undefined) return false;
  switch (a.op) {
    case 'is':
      return v === a.value;
    case 'over':
      return typeof v === 'number' && v > (a.value as number);
    case 'under':
      return typeof v === 'number' && v < (a.value as number);
  }
}

export interface QuotaLimit {
  limit: number;
  /** The adjustments that applied, in source order, as `+100 complete`. */
  applied: string[];
}

function describe(a: IrQuotaAdjustment): string {
  const sign = a.delta >= 0 ? `+${a.delta}` : `${a.delta}`;
  if (a.op === 'is') return `${sign} ${a.value ? '' : 'not '}${a.factor}`;
  return `${sign} ${a.factor} ${a.op} ${+((a.value as number) * 100).toFixed(6)}%`;
}

/** The daily limit for a profile: base plus the adjustments that apply, within [minimum, maximum]. */
export function quotaLimit(q: IrContactQuota, profile: EnterpriseProfile): QuotaLimit {
  let limit = q.base;
  const applied: string[] = [];
  for (const a of q.adjustments) {
    if (!conditionHolds(a, profile)) continue;
    limit += a.delta;
    applied.push(describe(a));
  }
  if (q.maximum !== null && limit > q.maximum) limit = q.maximum;
  if (limit < q.minimum) limit = q.minimum;
  return { limit: Math.max(0, limit), applied };
}

/** The quota day (days since the epoch, at the quota's UTC offset) an event time falls in. */
export function quotaDay(q: IrContactQuota, at: number): number {
  return Math.floor((at + q.utcOffsetMinutes * 60_000) / DAY_MS);
}

/** When a quota day ends (epoch ms): the next day's start. */
export function quotaDayEnd(q: IrContactQuota, day: number): number {
  return (day + 1) * DAY_MS - q.utcOffsetMinutes * 60_000;
}
