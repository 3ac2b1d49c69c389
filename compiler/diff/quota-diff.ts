// Diffs the daily contact-add quota (`quota contact-add { … }`): the quota a member gets is the
// base plus the adjustments whose condition holds, kept between the minimum and the maximum, so a
// lower base, minimum or maximum is stricter, and so is a lower total adjustment for a condition
// (adjustments are summed per condition: `lower 20 when complaints over 2%`). A quota added is
// stricter (adding contacts now has a ceiling), one removed looser; a new day boundary (UTC
// offset) moves counts between days, in either direction.
import type { IrContactQuota, IrQuotaAdjustment } from '../../runtime/ir.ts';
import { DIFF_CODES } from './codes.ts';
import { q } from './describe.ts';
import { fromIrLoc } from './side.ts';
import type { Change, DiffLoc, Effect } from './types.ts';
import { genericFieldChanges } from './generic-fields.ts';

const KNOWN = ['loc', 'base', 'adjustments', 'minimum', 'maximum', 'utcOffsetMinutes'];

function lower(b: number, h: number): Effect {
  return h < b ? 'stricter' : h > b ? 'looser' : 'equivalent';
}

/** The condition as the language writes it: `complete`, `not compliant`, `usage over 80%`. */
function condition(a: IrQuotaAdjustment): string {
  if (a.op === 'is') return a.value === false ? `not ${a.factor}` : a.factor;
  const v = typeof a.value === 'number' ? `${+(a.value * 100).toFixed(4)}%` : String(a.value);
  return `${a.factor} ${a.op} ${v}`;
}

function quotaText(x: IrContactQuota): string {
  return `daily ${x.base}, minimum ${x.minimum}, maximum ${x.maximum ?? 'none'}, ${x.adjustments.length} adjustment${x.adjustments.length === 1 ? '' : 's'}`;
}

/** `+08:00` */
function offsetText(minutes: number): string {
  const m = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

export function diffQuota(base: IrContactQuota | null, head: IrContactQuota | null, fallback: DiffLoc | null): Change[] {
  if (base === null && head === null) return [];
  if (base === null) {
    const h = fromIrLoc(head!.loc);
    return [{ code: DIFF_CODES['quota-added'], effect: 'stricter', message: `contact-add quota added: ${quotaText(head!)}`, base: null, head: h, anchor: h }];
  }
  if (head === null) {
    return [{ code: DIFF_CODES['quota-removed'], effect: 'looser', message: `contact-add quota removed (was ${quotaText(base)})`, base: fromIrLoc(base.loc), head: null, anchor: fallback }];
  }
  const anchor = fromIrLoc(head.loc);
  const out: Change[] = [];
  const push = (effect: Effect, message: string, at: DiffLoc = anchor, was: DiffLoc | null = fromIrLoc(base.loc)) =>
    out.push({ code: DIFF_CODES['quota-changed'], effect, message, base: was, head: at, anchor: at });
  if (base.base !== head.base) push(lower(base.base, head.base), `contact-add quota daily: ${base.base} -> ${head.base}`);
  if (base.minimum !== head.minimum) push(lower(base.minimum, head.minimum), `contact-add quota minimum: ${base.minimum} -> ${head.minimum}`);
  if (base.maximum !== head.maximum) {
    const inf = (x: number | null) => x ?? Infinity;
    push(lower(inf(base.maximum), inf(head.maximum)), `contact-add quota maximum: ${base.maximum ?? 'none'} -> ${head.maximum ?? 'none'}`);
  }
  if (base.utcOffsetMinutes !== head.utcOffsetMinutes) {
    push('both', `contact-add quota timezone: ${offsetText(base.utcOffsetMinutes)} -> ${offsetText(head.utcOffsetMinutes)}`);
  }
  const sums = (xs: readonly IrQuotaAdjustment[]) => {
    const m = new Map<string, { delta: number; loc: IrQuotaAdjustment['loc'] }>();
    for (const a of xs) {
      const k = condition(a);
      const e = m.get(k);
      m.set(k, { delta: (e?.delta ?? 0) + a.delta, loc: e?.loc ?? a.loc });
    }
    return m;
  };
  const sb = sums(base.adjustments);
  const sh = sums(head.adjustments);
  for (const k of [...new Set([...sb.keys(), ...sh.keys()])].sort()) {
    const db = sb.get(k)?.delta ?? 0;
    const dh = sh.get(k)?.delta ?? 0;
    if (db === dh) continue;
    const word = (d: number) => (d === 0 ? 'no adjustment' : d > 0 ? `raise ${d}` : `lower ${-d}`);
    const at = sh.get(k) ? fromIrLoc(sh.get(k)!.loc) : anchor;
    const was = sb.get(k) ? fromIrLoc(sb.get(k)!.loc) : null;
    push(lower(db, dh), `contact-add quota when ${q(k)}: ${word(db)} -> ${word(dh)}`, at, was);
  }
  out.push(...genericFieldChanges('the contact-add quota', base, head, KNOWN, anchor));
  return out;
}
