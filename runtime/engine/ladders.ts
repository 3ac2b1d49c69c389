// The penalty ladders at run time: what a violation, a linked-account status change, an appeal
// and a contact-add attempt do to a subject's state, and the sanctions a subject has now.
// Semantics (spec/runtime.md, "Ladders"):
//
// - A violation climbs every ladder that counts its category and whose `members` include the
//   subject, in ladder-name order: a member's (a violation event) the member ladders, a
//   customer's (a rule's `record` on a customer's message) the `for customers` ladders. A
//   violation that a ladder counts, but only ladders of the other kind, gets a note instead. A normal one adds a strike (strikes older than `expire after`
//   drop first) and applies the step the strike count reaches (the last step again past the end);
//   a severe one applies the `severe` sanctions without climbing (when the ladder has them).
// - `while linked blocked`: a `blocked` status applies the line's sanctions with no end; the
//   `unblocked` status gives them an end `restore within` later, so they lift exactly then.
// - An appeal lifts the newest active appealable sanction (of a ladder, or one by id) and every
//   other sanction of the same step and cause; a non-appealable one is refused with the reason.
//   Every appeal is recorded.
// - A contact-add attempt is refused while interop is suspended or the member is banned, and
//   otherwise counted against the daily quota the enterprise's profile gives.
//
// - A customer sanction is enforced through the state every message reads already: `mute` mutes
//   the customer in the violation's group until its end (`MUTE_FOREVER` for `mute forever`),
//   `blacklist personal` adds them to the group owner's blacklist (the group's when it has no
//   owner), `blacklist enterprise` to the enterprise's, both permanent; `remove` makes the
//   message's decision `remove` them.
//
// Every store call is yielded (runtime/engine/steps.ts) and every write is idempotent by id, so a
// replayed event changes nothing twice.
import type { AppealEvent, ContactAddEvent, LinkedStatusEvent, ViolationEvent } from './events.ts';
import type { IrContactQuota, IrLadder, IrSanction } from '../ir.ts';
import { quotaDay, quotaDayEnd, quotaLimit } from './quota.ts';
import type { Steps } from './steps.ts';
import { compareSanctions, type AppealRecord, type ContactResult, type SanctionRecord, type Store, type StrikeResult } from '../store/store.ts';
import { isoTime } from './time.ts';

const iso = isoTime;

/** A sanction as decisions and `engine.sanctions` show it. */
export interface SanctionView {
  ladder: string;
  /** The step number, `severe`, or `linked` (the linked-account line). */
  step: number | 'severe' | 'linked';
  sanction: SanctionRecord['sanction'];
  /** When it ends (ISO 8601); null: forever, or until the linked account is unblocked. */
  until: string | null;
  appealable: boolean;
  id: string;
  from: string;
  /** Set when an appeal or a restoration lifted it. */
  lifted?: { at: string; reason: string };
}

export function sanctionView(s: SanctionRecord): SanctionView {
  const v: SanctionView = {
    ladder: s.ladder,
    step: s.step === 0 ? 'severe' : s.step < 0 ? 'linked' : s.step,
    sanction: s.sanction,
    until: s.until === null ? null : iso(s.until),
    appealable: s.appealable,
    id: s.id,
    from: iso(s.from),
  };
  if (s.liftedAt !== null) v.lifted = { at: iso(s.liftedAt), reason: s.liftReason ?? '' };
  return v;
}

/** Whether a sanction stands at `at`: begun, not ended, not lifted. */
export function isActive(s: SanctionRecord, at: number): boolean {
  return s.liftedAt === null && s.from <= at && (s.until === null || at < s.until);
}

function covers(l: IrLadder, subject: string): boolean {
  return l.members === null || binaryHas(l.members, subject);
}

function binaryHas(sorted: readonly string[], x: string): boolean {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length && sorted[lo] === x;
}

/**
 * The end a forever mute is stored with: one millisecond past the last time an event can carry
 * (9999-12-31T23:59:59.999Z, runtime/engine/time.ts), so every later message is at or before
 * it; a decision shows it as `until: null`.
 */
export const MUTE_FOREVER = 253_402_300_800_000;

/** A customer's violation: where the message that reported it was sent. */
export interface CustomerContext {
  group: string;
  /** The group's owner, whose personal blacklist `blacklist personal` adds to; null: none. */
  owner: string | null;
}

/** Makes a customer sanction hold on the customer's later messages (the state `admitMessage` reads). */
function* enforceCustomerSanction(store: Store, rec: SanctionRecord, where: CustomerContext): Steps<void> {
  switch (rec.sanction) {
    case 'mute':
      yield store.mute(where.group, rec.subject, rec.until ?? MUTE_FOREVER);
      break;
    case 'blacklist-personal':
      // Without an owner, the group's list stands in (as for the `blacklist personal` action).
      if (where.owner !== null) yield store.blacklist('personal', where.owner, rec.subject, rec.from);
      else yield store.blacklist('group', where.group, rec.subject, rec.from);
      break;
    case 'blacklist-enterprise':
      yield store.blacklist('enterprise', '', rec.subject, rec.from);
      break;
    default:
      // `remove` is the message's action (ViolationOutcome.remove); member sanctions are read from
      // the sanction records themselves.
      break;
  }
}

function record(l: IrLadder, subject: string, step: number, s: IrSanction, i: number, cause: string, at: number, appealable: boolean): SanctionRecord {
  return {
    id: `${l.name}/${subject}/${cause}/${i}`,
    subject,
    ladder: l.name,
    step,
    sanction: s.sanction,
    from: at,
    until: s.ms === null ? null : at + s.ms,
    appealable,
    cause,
    liftedAt: null,
    liftReason: null,
  };
}

export interface StrikeOutcome {
  ladder: string;
  /** The strike's place among the live strikes (0 for a severe violation, which does not climb). */
  strike: number;
  /** The violation was recorded before: this is the same outcome again. */
  duplicate?: true;
}

export interface ViolationOutcome {
  strikes: StrikeOutcome[];
  sanctions: SanctionView[];
  /** A customer ladder's `remove`: the message's decision removes the customer from the group. */
  remove?: true;
  /** Ladders count the category, but none of them the subject's kind (spec/runtime.md §9). */
  note?: string;
}

/**
 * Records one violation of `subject` on every ladder that counts it, and applies their steps.
 * With `customer`, the subject is a customer (a rule's `record`) and climbs the customer ladders;
 * without, a member (a violation event) climbing the member ladders.
 */
export function* recordViolation(
  store: Store,
  ladders: readonly IrLadder[],
  v: Pick<ViolationEvent, 'subject' | 'category' | 'severity' | 'id' | 'at'>,
  customer?: CustomerContext,
): Steps<ViolationOutcome> {
  const out: ViolationOutcome = { strikes: [], sanctions: [] };
  const forCustomers = customer !== undefined;
  let otherKind: IrLadder | undefined;
  let counted = false;
  for (const l of ladders) {
    if (!l.counts.includes(v.category)) continue;
    if ((l.customers === true) !== forCustomers) {
      otherKind ??= l;
      continue;
    }
    counted = true;
    if (!covers(l, v.subject)) continue;
    const severe = v.severity === 'severe' && l.severe !== null;
    if (!severe && l.steps.length === 0) continue;
    const r = (yield store.addStrike(l.name, v.subject, v.id, v.at, l.expireAfterMs, !severe)) as StrikeResult;
    const step = severe ? l.severe! : l.steps[Math.min(r.ordinal, l.steps.length) - 1];
    out.strikes.push({ ladder: l.name, strike: r.ordinal, ...(r.duplicate ? { duplicate: true as const } : {}) });
    for (let i = 0; i < step.sanctions.length; i++) {
      const rec = record(l, v.subject, severe ? 0 : step.number, step.sanctions[i], i, v.id, v.at, step.appealable);
      yield store.putSanction(rec);
      if (customer) {
        yield* enforceCustomerSanction(store, rec, customer);
        if (rec.sanction === 'remove') out.remove = true;
      }
      out.sanctions.push(sanctionView(rec));
    }
  }
  if (!counted && otherKind) {
    out.note = forCustomers
      ? `no customer ladder counts \`${v.category}\`: ladder \`${otherKind.name}\` counts members' violations (add \`for customers\` to a ladder for customers)`
      : `no member ladder counts \`${v.category}\`: ladder \`${otherKind.name}\` is for customers`;
  }
  return out;
}

export interface LinkedOutcome {
  /** Sanctions applied (blocked) or given their restoration time (unblocked). */
  sanctions: SanctionView[];
}

/** A linked WeChat account was blocked or unblocked. */
export function* linkedStatus(store: Store, ladders: readonly IrLadder[], e: LinkedStatusEvent): Steps<LinkedOutcome> {
  const blocked = e.status === 'blocked';
  const prev = (yield store.setLinkedBlocked(e.subject, blocked, e.at)) as boolean | null;
  const out: LinkedOutcome = { sanctions: [] };
  const linkedLadders = ladders.filter((l) => l.linked !== null && covers(l, e.subject));
  if (linkedLadders.length === 0) return out;
  const all = (yield store.sanctionsOf(e.subject)) as SanctionRecord[];
  const open = all.filter((s) => s.step < 0 && s.liftedAt === null && s.until === null);
  if (blocked) {
    if (prev === true && open.length > 0) {
      // Already blocked: the sanctions stand; nothing new.
      out.sanctions.push(...open.map(sanctionView));
      return out;
    }
    const cause = `linked@${iso(e.at)}`;
    for (const l of linkedLadders) {
      const sanctions = l.linked!.sanctions;
      for (let i = 0; i < sanctions.length; i++) {
        const rec = record(l, e.subject, -1, sanctions[i], i, cause, e.at, false);
        yield store.putSanction(rec);
        out.sanctions.push(sanctionView(rec));
      }
    }
    return out;
  }
  // Unblocked: every open linked sanction ends `restore within` from now.
  for (const s of open) {
    const l = linkedLadders.find((x) => x.name === s.ladder);
    if (!l || s.from > e.at) continue;
    const until = e.at + l.linked!.restoreWithinMs;
    yield store.endSanction(s.id, until);
    out.sanctions.push(sanctionView({ ...s, until }));
  }
  return out;
}

export interface AppealOutcome {
  granted: boolean;
  reason: string;
  /** The sanctions the appeal lifted, or the one it was refused for. */
  sanctions: SanctionView[];
}

function refusal(s: SanctionRecord): string {
  if (s.step < 0) return `the linked-account suspension of ladder \`${s.ladder}\` ends only when the WeChat account is unblocked`;
  if (s.step === 0) return `the severe sanction of ladder \`${s.ladder}\` cannot be appealed`;
  if (s.until === null) return `step ${s.step} of ladder \`${s.ladder}\` is permanent and cannot be appealed`;
  return `step ${s.step} of ladder \`${s.ladder}\` cannot be appealed`;
}

/** An appeal: lifts an appealable sanction, or is refused with the reason; recorded either way. */
export function* appeal(store: Store, e: AppealEvent): Steps<AppealOutcome> {
  const earlier = (yield store.appealsOf(e.subject)) as AppealRecord[];
  const all = (yield store.sanctionsOf(e.subject)) as SanctionRecord[];
  const same = earlier.find((a) => a.id === e.id);
  if (same) {
    // A replayed appeal: the recorded outcome again.
    const s = same.sanction === null ? undefined : all.find((x) => x.id === same.sanction);
    return { granted: same.granted, reason: same.reason, sanctions: s ? [sanctionView(s)] : [] };
  }
  let outcome: AppealOutcome;
  let target: SanctionRecord | undefined;
  if (e.sanction !== null) {
    target = all.find((s) => s.id === e.sanction);
    if (!target) outcome = { granted: false, reason: `no sanction \`${e.sanction}\``, sanctions: [] };
    else if (!isActive(target, e.at)) outcome = { granted: false, reason: target.liftedAt !== null ? 'the sanction was already lifted' : 'the sanction is not in force', sanctions: [sanctionView(target)] };
    else outcome = yield* lift(store, target, all, e.at);
  } else {
    const active = all.filter((s) => isActive(s, e.at) && (e.ladder === null || s.ladder === e.ladder));
    // The newest appealable one; else the newest, to say why it cannot be appealed.
    const pick = (xs: SanctionRecord[]) => xs.reduce<SanctionRecord | undefined>((a, s) => (!a || compareSanctions(s, a) > 0 ? s : a), undefined);
    target = pick(active.filter((s) => s.appealable)) ?? pick(active);
    if (!target) outcome = { granted: false, reason: e.ladder === null ? 'no sanction is in force' : `no sanction of ladder \`${e.ladder}\` is in force`, sanctions: [] };
    else outcome = yield* lift(store, target, all, e.at);
  }
  yield store.recordAppeal({ subject: e.subject, id: e.id, at: e.at, sanction: target?.id ?? null, granted: outcome.granted, reason: outcome.reason });
  return outcome;
}

function* lift(store: Store, target: SanctionRecord, all: SanctionRecord[], at: number): Steps<AppealOutcome> {
  if (!target.appealable) return { granted: false, reason: refusal(target), sanctions: [sanctionView(target)] };
  const lifted: SanctionView[] = [];
  // The step's other sanctions go with it: an appeal is against the penalty, not one line of it.
  for (const s of all) {
    if (s.ladder !== target.ladder || s.cause !== target.cause || s.step !== target.step || !isActive(s, at)) continue;
    const r = (yield store.liftSanction(s.id, at, 'appeal')) as SanctionRecord | null;
    if (r) lifted.push(sanctionView(r));
  }
  if (lifted.length === 0) return { granted: false, reason: 'the sanction was already lifted', sanctions: [sanctionView(target)] };
  return { granted: true, reason: `step ${target.step} of ladder \`${target.ladder}\` is appealable`, sanctions: lifted };
}

export interface ContactOutcome {
  allowed: boolean;
  /** Why it was refused. */
  reason?: string;
  /** The sanction that refused it. */
  sanction?: SanctionView;
  quota?: { limit: number; used: number; remaining: number; resets: string; applied: string[] };
}

/** The sanctions that take away adding external contacts (an interop function). */
const STOPS_CONTACTS = new Set(['suspend-interop', 'ban-member', 'ban-enterprise']);

/** A contact-add attempt, against the subject's sanctions and the daily quota. */
export function* contactAdd(store: Store, quota: IrContactQuota | null, e: ContactAddEvent): Steps<ContactOutcome> {
  const all = (yield store.sanctionsOf(e.subject)) as SanctionRecord[];
  const stop = all.find((s) => STOPS_CONTACTS.has(s.sanction) && isActive(s, e.at));
  if (stop) return { allowed: false, reason: `${stop.sanction} is in force (ladder \`${stop.ladder}\`)`, sanction: sanctionView(stop) };
  if (quota === null) return { allowed: true };
  const { limit, applied } = quotaLimit(quota, e.profile);
  const day = quotaDay(quota, e.at);
  const r = (yield store.addContact(e.subject, day, e.contact, limit)) as ContactResult;
  const q = { limit, used: r.used, remaining: Math.max(0, limit - r.used), resets: iso(quotaDayEnd(quota, day)), applied };
  return r.allowed ? { allowed: true, quota: q } : { allowed: false, reason: `the daily quota of ${limit} contacts is used up`, quota: q };
}

/** The subject's sanctions in force at `at`, ordered by (from, id). */
/** The subject's sanctions in force at `at` (with `all`, also those ended or lifted). */
export function* activeSanctions(store: Store, subject: string, at: number, all = false): Steps<SanctionView[]> {
  const records = (yield store.sanctionsOf(subject)) as SanctionRecord[];
  return records.filter((s) => all || isActive(s, at)).map(sanctionView);
}
