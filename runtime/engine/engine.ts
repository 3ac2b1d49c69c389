// The engine: an event in, a decision out. It validates the event, keeps all state in its store,
// asks the policy (interpreter or generated code, the same `CompiledPolicy` interface) which
// rules fire, and merges their actions. The order of evaluation and the merge rules are the
// contract of spec/runtime.md:
//
//   member → allowed; enterprise blacklist → personal blacklist of the group's owner →
//   blacklisted by an earlier action → muted in the group → exempt → every rule of the group,
//   actions merged one per type in the fixed order recall, remove, mute, blacklist, warn,
//   notify, record; recorded categories climb the penalty ladders (runtime/engine/ladders.ts).
//
// Violations, linked-account status changes, appeals and contact-add attempts go to the ladders.
// The logic is written once as store computations (runtime/engine/steps.ts): `createEngine` runs it on a
// synchronous store (memory, SQLite), `createAsyncEngine` on an asynchronous one (Redis), where
// everything a message's decision reads (action-made blacklists, mute, flood counts, join time)
// comes in one store operation before the policy runs (`admitMessage`: one round trip).
//
// Time is event time: the same events with the same starting state give the same decisions.
import type { CompiledPolicy, Match, MessageOutcome, RuleFiring, StateQueries } from '../policy/compiled-policy.ts';
import { parseEvent, type ChatEvent, type EventErrorDetail, type JoinEvent, type LadderEvent, type MessageEvent } from './events.ts';
import { ACTION_ORDER, type IrAction, type IrActionType, type IrTriggerType } from '../ir.ts';
import type { KeywordTrace } from '../policy/interpreter.ts';
import { activeSanctions, appeal, contactAdd, linkedStatus, MUTE_FOREVER, recordViolation, type SanctionView, type StrikeOutcome } from './ladders.ts';
import { MemoryStore } from '../store/memory-store.ts';
import { outcomeOfFirings } from '../policy/outcome.ts';
import { runAsync, runSync, type Steps } from './steps.ts';
import type { ActionBlacklist, AsyncStore, BlacklistScope, MessageAdmitted, Store } from '../store/store.ts';
import { isoTime } from './time.ts';

export type { SanctionView } from './ladders.ts';
export type { Match } from '../policy/compiled-policy.ts';
export { matchesOf } from '../policy/outcome.ts';

/** An action in a decision: the IR's action, a mute with its end time. */
export type DecisionAction =
  | { type: 'recall' }
  | { type: 'remove' }
  | { type: 'mute'; ms: number; until: string }
  | { type: 'blacklist'; scope: BlacklistScope }
  | { type: 'warn'; text: string }
  | { type: 'notify'; target: 'owner' | 'admins' }
  | { type: 'record'; category: string };


/** Why a sender was stopped before any rule ran. */
export interface Blocked {
  list: BlacklistScope;
  /** `policy`: a blacklist of the policy set; `action`: added by an earlier `blacklist` action. */
  by: 'policy' | 'action';
  /** The member whose personal blacklist it is. */
  owner?: string;
  /** For `by: "action"`: when the sender was added. */
  since?: string;
}

export interface Decision {
  allowed: boolean;
  actions: DecisionAction[];
  matches: Match[];
  /** The sender is on a blacklist. */
  blocked?: Blocked;
  /** The sender is muted in this group until then (null: for ever, a customer ladder's `mute forever`). */
  muted?: { until: string | null };
  /** The sender is an exempt customer: no rule applies. */
  exempt?: true;
  /** The violation categories that `record` actions reported (for the penalty ladders). */
  recorded?: string[];
  /** Sanctions a ladder applied (a violation, a recorded category, a linked-account block), lifted (an appeal) or scheduled to end (an unblock). */
  sanctions?: SanctionView[];
  /** The strike each ladder counted for a violation. */
  strikes?: StrikeOutcome[];
  /** Violations that ladders count but no ladder of the subject's kind does (spec/runtime.md §9). */
  notes?: string[];
  /** An appeal's outcome. */
  appeal?: { granted: boolean; reason: string };
  /** A contact-add attempt against the daily quota. */
  quota?: { limit: number; used: number; remaining: number; resets: string; applied: string[] };
  /** Why a contact-add attempt was refused. */
  reason?: string;
}

export interface EventError {
  error: EventErrorDetail;
}

/** How one action of one firing fared in the merge. */
export interface MergeStep {
  rule: string;
  trigger: IrTriggerType;
  triggerIndex: number;
  action: IrAction;
  outcome: 'kept' | 'dropped' | 'replaced';
  /** Why it was dropped or what it replaced. */
  reason?: string;
}

/** What `explain` adds to a decision. */
export interface DecisionTrace {
  event: ChatEvent['type'];
  /** Where the decision was made. */
  path: 'member' | 'blocked' | 'muted' | 'exempt' | 'rules' | 'join' | 'ladders';
  /** The rules that apply to the event's group, in evaluation order. */
  rules: string[];
  /** Normalised text and every keyword occurrence, when the policy can show them. */
  keywords: KeywordTrace[];
  /** Every firing with ALL its evidence. */
  firings: RuleFiring[];
  merge: MergeStep[];
}

export interface Explanation {
  decision: Decision;
  trace: DecisionTrace;
}

export interface EngineOptions {
  store?: Store;
  /** The time (epoch ms) of events without `at`, and of `sanctions()` without one. Default: the system clock. */
  clock?: () => number;
  /** Gives `explain` the keyword trace (the interpreter's `traceKeywords`). */
  traceKeywords?: (group: string, text: string) => KeywordTrace[];
}

export interface AsyncEngineOptions extends Omit<EngineOptions, 'store'> {
  store: AsyncStore;
}

export interface Engine {
  readonly policy: CompiledPolicy;
  readonly store: Store;
  /** Validates a JSON value as an event and decides it. */
  evaluate(event: unknown): Decision | EventError;
  /** Decides an already validated event. */
  decide(event: ChatEvent): Decision;
  /** Like `evaluate`, with the trace: every evidence, the keyword hits, the merge. */
  explain(event: unknown): Explanation | EventError;
  /** The subject's sanctions in force at `at` (default: the clock), with their end times. */
  sanctions(subject: string, at?: number): SanctionView[];
}

/** The engine on an asynchronous store: the same decisions, as promises. */
export interface AsyncEngine {
  readonly policy: CompiledPolicy;
  readonly store: AsyncStore;
  evaluate(event: unknown): Promise<Decision | EventError>;
  decide(event: ChatEvent): Promise<Decision>;
  explain(event: unknown): Promise<Explanation | EventError>;
  sanctions(subject: string, at?: number): Promise<SanctionView[]>;
}

export function isEventError(x: Decision | EventError | Explanation): x is EventError {
  return 'error' in x;
}

const iso = isoTime;

/** The widest blacklist wins a merge: the enterprise's covers the owner's, which covers the group's. */
const SCOPE_RANK: Record<BlacklistScope, number> = { group: 0, personal: 1, enterprise: 2 };

const ORDER_INDEX = new Map<IrActionType, number>(ACTION_ORDER.map((t, i) => [t, i]));

/**
 * The merge of a message's actions: recall, remove: once; mute: the longest; blacklist: the
 * widest scope; warn: every distinct text once; notify: every distinct target once; record:
 * every distinct category once. Within a type, firing order (rules by name, `when` lines in
 * source order, actions as written). The result is in ACTION_ORDER.
 */
class ActionMerge {
  private recall = false;
  private remove = false;
  private mute: number | null = null;
  private blacklist: BlacklistScope | null = null;
  private readonly warns: string[] = [];
  private readonly notifies: ('owner' | 'admins')[] = [];
  private readonly records: string[] = [];
  /** Why the last action added was dropped or what it replaced. */
  reason = '';

  /** Merges one action: whether it was kept, dropped or replaced an earlier one (see `reason`). */
  add(a: IrAction): MergeStep['outcome'] {
    switch (a.type) {
      case 'recall':
        if (this.recall) return this.because('dropped', 'already recalled');
        this.recall = true;
        return 'kept';
      case 'remove':
        if (this.remove) return this.because('dropped', 'already removed');
        this.remove = true;
        return 'kept';
      case 'mute': {
        const mute = this.mute;
        if (mute === null) this.mute = a.ms;
        else if (a.ms > mute) {
          this.mute = a.ms;
          return this.because('replaced', `longer than the mute of ${mute} ms`);
        } else return this.because('dropped', `a mute of ${mute} ms is at least as long`);
        return 'kept';
      }
      case 'blacklist': {
        const b = this.blacklist;
        if (b === null) this.blacklist = a.scope;
        else if (SCOPE_RANK[a.scope] > SCOPE_RANK[b]) {
          this.blacklist = a.scope;
          return this.because('replaced', `wider than the ${b} blacklist`);
        } else return this.because('dropped', `the ${b} blacklist is at least as wide`);
        return 'kept';
      }
      case 'warn':
        if (this.warns.includes(a.text)) return this.because('dropped', 'the same warning text is already given');
        this.warns.push(a.text);
        return 'kept';
      case 'notify':
        if (this.notifies.includes(a.target)) return this.because('dropped', `the ${a.target} is already notified`);
        this.notifies.push(a.target);
        return 'kept';
      case 'record':
        if (this.records.includes(a.category)) return this.because('dropped', 'the category is already recorded');
        this.records.push(a.category);
        return 'kept';
    }
  }

  private because(outcome: MergeStep['outcome'], reason: string): MergeStep['outcome'] {
    this.reason = reason;
    return outcome;
  }

  /** The merged actions, in ACTION_ORDER; a mute ends `ms` after `at`. */
  result(at: number): DecisionAction[] {
    const out: DecisionAction[] = [];
    if (this.recall) out.push({ type: 'recall' });
    if (this.remove) out.push({ type: 'remove' });
    if (this.mute !== null) out.push({ type: 'mute', ms: this.mute, until: iso(at + this.mute) });
    if (this.blacklist !== null) out.push({ type: 'blacklist', scope: this.blacklist });
    for (const text of this.warns) out.push({ type: 'warn', text });
    for (const target of this.notifies) out.push({ type: 'notify', target });
    for (const category of this.records) out.push({ type: 'record', category });
    // The pushes above follow ACTION_ORDER; this keeps the two from drifting apart.
    if (out.length > 1) out.sort((x, y) => ORDER_INDEX.get(x.type)! - ORDER_INDEX.get(y.type)!);
    return out;
  }
}

/**
 * Merges the actions of every firing (see ActionMerge); `log` gets every step, as `explain`
 * shows it.
 */
export function mergeActions(firings: readonly RuleFiring[], at: number, log?: MergeStep[]): DecisionAction[] {
  const merge = new ActionMerge();
  let previous: readonly IrAction[] | null = null;
  for (const f of firings) {
    // Merging the same list of actions twice in a row changes nothing: every action of the
    // second is dropped. Generated code hands rules with identical actions one shared list, so
    // hundreds of firings of one message often merge as one; the log still gets every step.
    if (f.actions === previous && log === undefined) continue;
    previous = f.actions;
    for (const a of f.actions) {
      const outcome = merge.add(a);
      log?.push({ rule: f.rule, trigger: f.trigger, triggerIndex: f.triggerIndex, action: a, outcome, ...(outcome !== 'kept' ? { reason: merge.reason } : {}) });
    }
  }
  return merge.result(at);
}

/** Merges lists of actions in order, as `mergeActions` merges the firings that carry them. */
export function mergeActionLists(lists: readonly (readonly IrAction[])[], at: number): DecisionAction[] {
  const merge = new ActionMerge();
  for (const list of lists) for (const a of list) merge.add(a);
  return merge.result(at);
}

/** The state a policy may ask about while deciding one message (reused between messages on a synchronous store). */
class MessageState implements StateQueries {
  group = '';
  sender = '';
  at = 0;
  /** The message's id (a replay of it is not counted twice), when it has one. */
  id: string | undefined = undefined;
  recorded = false;
  /** For an asynchronous store: the flood counts (by window) and join time, fetched beforehand. */
  counts: Map<number, number> | null = null;
  joined: number | null = null;
  constructor(private readonly store: Store) {}

  reset(msg: MessageEvent): void {
    this.group = msg.group;
    this.sender = msg.sender.id;
    this.at = msg.at;
    this.id = msg.id;
    this.recorded = false;
  }

  // The message is recorded on the first question about its flood window, so that groups
  // without a flood trigger keep no timestamps; a policy asks for every flood trigger it
  // evaluates, so every message in a group with one is counted.
  recentMessages(windowMs: number): number {
    if (this.counts !== null) {
      const n = this.counts.get(windowMs);
      if (n === undefined) throw new Error(`internal: flood window ${windowMs} ms was not fetched for group ${this.group}`);
      return n;
    }
    if (!this.recorded) {
      this.recorded = true;
      return this.store.recordMessage(this.group, this.sender, this.at, windowMs, this.id);
    }
    return this.store.countMessages(this.group, this.sender, this.at, windowMs);
  }

  joinedAt(): number | null {
    return this.counts !== null ? this.joined : this.store.joinedAt(this.group, this.sender);
  }
}

/** A mute's end as a decision shows it: null for a customer ladder's `mute forever`. */
function muteEnd(until: number): string | null {
  return until >= MUTE_FOREVER ? null : iso(until);
}

function blockedByAction(b: ActionBlacklist): Blocked {
  return { list: b.scope, by: 'action', ...(b.scope === 'personal' ? { owner: b.key } : {}), since: iso(b.at) };
}

/** Each flood window once, in the policy's order. */
function distinctWindows(windows: readonly number[]): number[] {
  const out: number[] = [];
  for (const w of windows) if (!out.includes(w)) out.push(w);
  return out;
}

const ALLOWED: () => Decision = () => ({ allowed: true, actions: [], matches: [] });

/** The decision logic over a store, as store computations; `prefetch` is set for asynchronous stores. */
function decisionLogic(policy: CompiledPolicy, store: Store, prefetch: boolean, traceKeywords: EngineOptions['traceKeywords']) {
  const state = new MessageState(store);
  const ladders = policy.ladders;
  // Every message asks the store about blacklists and mutes before anything else. On a
  // synchronous store those answers are used as they come (`sync ? op : yield op`): a
  // generator's suspension costs more than the look-up itself. On an asynchronous store they are
  // yielded and awaited like every other store call.
  const sync = !prefetch;

  function* decideMessage(msg: MessageEvent, trace?: DecisionTrace): Steps<Decision> {
    if (msg.sender.kind === 'member') {
      if (trace) trace.path = 'member';
      return ALLOWED();
    }
    const sender = msg.sender.id;
    let blocked: Blocked | undefined;
    if (policy.isEnterpriseBlacklisted(sender)) blocked = { list: 'enterprise', by: 'policy' };
    else if (msg.owner !== null && policy.isPersonalBlacklisted(msg.owner, sender)) blocked = { list: 'personal', by: 'policy', owner: msg.owner };
    else if (prefetch) return yield* decideAdmitted(msg, trace);
    else {
      // The first action-made blacklist that stops the sender here: enterprise, owner's, group's.
      let op: unknown = store.blacklistEntry('enterprise', '', sender);
      let b = (sync ? op : yield op) as ActionBlacklist | null;
      if (!b && msg.owner !== null) {
        op = store.blacklistEntry('personal', msg.owner, sender);
        b = (sync ? op : yield op) as ActionBlacklist | null;
      }
      if (!b) {
        op = store.blacklistEntry('group', msg.group, sender);
        b = (sync ? op : yield op) as ActionBlacklist | null;
      }
      if (b) blocked = blockedByAction(b);
    }
    if (blocked) {
      if (trace) trace.path = 'blocked';
      return { allowed: false, actions: [], matches: [], blocked };
    }
    const muteOp: unknown = store.mutedUntil(msg.group, sender);
    const until = (sync ? muteOp : yield muteOp) as number | null;
    if (until !== null && msg.at < until) {
      if (trace) trace.path = 'muted';
      return { allowed: false, actions: [], matches: [], muted: { until: muteEnd(until) } };
    }
    if (policy.isExempt(sender)) {
      if (trace) trace.path = 'exempt';
      return { allowed: true, actions: [], matches: [], exempt: true };
    }
    if (trace) {
      trace.path = 'rules';
      trace.rules = [...policy.rulesForGroup(msg.group)];
      trace.keywords = traceKeywords?.(msg.group, msg.text) ?? [];
    }
    // On a synchronous store one state object serves every message (no allocation on the hot
    // path). On an asynchronous store (`decideAdmitted`) decisions interleave (a service decides
    // concurrent requests on one engine): each message gets its own there, or one message's
    // fetched flood counts would answer another's questions.
    const st = state;
    st.reset(msg);
    let outcome: MessageOutcome | null;
    if (trace) {
      // `explain` keeps every firing with all its evidence, and every step of the merge.
      trace.firings = policy.evaluateMessage(msg, st);
      outcome = outcomeOfFirings(trace.firings);
    } else outcome = policy.decideMessage(msg, st);
    if (outcome === null) return ALLOWED();
    // What follows runs only for the messages that fire a rule; as a generator of its own it
    // keeps this one, which every message creates, small.
    return yield* applyOutcome(msg, outcome, trace);
  }

  /**
   * For an asynchronous store, a message not on a policy blacklist: every read of its decision
   * and its flood record in one store operation (`admitMessage`: one round trip on Redis), then
   * the same steps as `decideMessage` on the answers.
   */
  function* decideAdmitted(msg: MessageEvent, trace?: DecisionTrace): Steps<Decision> {
    const sender = msg.sender.id;
    const windows = distinctWindows(policy.floodWindows(msg.group));
    const exempt = policy.isExempt(sender);
    const a = (yield store.admitMessage({ group: msg.group, sender, owner: msg.owner, at: msg.at, ...(msg.id !== undefined ? { id: msg.id } : {}), windows, exempt })) as MessageAdmitted;
    if (a.blacklisted) {
      if (trace) trace.path = 'blocked';
      return { allowed: false, actions: [], matches: [], blocked: blockedByAction(a.blacklisted) };
    }
    if (a.mutedUntil !== null && msg.at < a.mutedUntil) {
      if (trace) trace.path = 'muted';
      return { allowed: false, actions: [], matches: [], muted: { until: muteEnd(a.mutedUntil) } };
    }
    if (exempt) {
      if (trace) trace.path = 'exempt';
      return { allowed: true, actions: [], matches: [], exempt: true };
    }
    if (trace) {
      trace.path = 'rules';
      trace.rules = [...policy.rulesForGroup(msg.group)];
      trace.keywords = traceKeywords?.(msg.group, msg.text) ?? [];
    }
    const st = new MessageState(store);
    st.reset(msg);
    st.counts = new Map(windows.map((w, i) => [w, a.counts[i]]));
    st.joined = a.joinedAt;
    let outcome: MessageOutcome | null;
    if (trace) {
      trace.firings = policy.evaluateMessage(msg, st);
      outcome = outcomeOfFirings(trace.firings);
    } else outcome = policy.decideMessage(msg, st);
    if (outcome === null) return ALLOWED();
    return yield* applyOutcome(msg, outcome, trace);
  }

  /** The decision on a message that fired rules: actions merged, state changed, ladders climbed. */
  function* applyOutcome(msg: MessageEvent, outcome: MessageOutcome, trace: DecisionTrace | undefined): Steps<Decision> {
    const sender = msg.sender.id;
    const actions = trace ? mergeActions(trace.firings, msg.at, trace.merge) : mergeActionLists(outcome.actions, msg.at);
    let allowed = true;
    const recorded: string[] = [];
    // The mute and the blacklist entry are independent writes, each atomic and idempotent (the
    // later end is kept; the first entry is kept): on an asynchronous store both are sent before
    // either reply is awaited, one round trip for the two.
    const writes: unknown[] = [];
    for (const a of actions) {
      switch (a.type) {
        case 'recall':
        case 'remove':
          allowed = false;
          break;
        case 'mute':
          allowed = false;
          writes.push(store.mute(msg.group, sender, msg.at + a.ms));
          break;
        case 'blacklist':
          allowed = false;
          if (a.scope === 'enterprise') writes.push(store.blacklist('enterprise', '', sender, msg.at));
          else if (a.scope === 'personal' && msg.owner !== null) writes.push(store.blacklist('personal', msg.owner, sender, msg.at));
          // A personal blacklist needs the group's owner; without one, the group's list stands in.
          else writes.push(store.blacklist('group', msg.group, sender, msg.at));
          break;
        case 'record':
          recorded.push(a.category);
          break;
      }
    }
    if (prefetch && writes.length > 0) yield Promise.all(writes);
    const d: Decision = { allowed, actions, matches: outcome.matches };
    if (recorded.length > 0) {
      d.recorded = recorded;
      // A recorded category climbs the ladders like a reported violation of the sender.
      const base = msg.id ?? `${msg.group}/${sender}@${iso(msg.at)}`;
      const sanctions: SanctionView[] = [];
      const notes: string[] = [];
      const where = { group: msg.group, owner: msg.owner };
      for (const category of recorded) {
        // The sender of a message that reached the rules is a customer: the customer ladders.
        const v = yield* recordViolation(store, ladders, { subject: sender, category, severity: 'normal', id: `${base}:${category}`, at: msg.at }, where);
        sanctions.push(...v.sanctions);
        if (v.note) notes.push(v.note);
        // A customer ladder's `remove`: the message's decision removes the sender (once, in order).
        if (v.remove && !actions.some((a) => a.type === 'remove')) {
          actions.splice(actions.findIndex((a) => a.type !== 'recall') >>> 0, 0, { type: 'remove' });
          d.allowed = false;
        }
      }
      if (sanctions.length > 0) d.sanctions = sanctions;
      if (notes.length > 0) d.notes = notes;
    }
    return d;
  }

  function* decideJoin(e: JoinEvent, trace?: DecisionTrace): Steps<Decision> {
    if (trace) trace.path = 'join';
    // `blacklist group` keeps a sender out of the group: a join is refused, and not recorded.
    // The latest join (by event time) counts: an older join arriving late, or a join replayed,
    // changes nothing. One store operation (`admitJoin`: one round trip on Redis).
    const b = (yield store.admitJoin(e.group, e.member, e.at)) as ActionBlacklist | null;
    if (b) return { allowed: false, actions: [], matches: [], blocked: blockedByAction(b) };
    return ALLOWED();
  }

  function* decideLadderEvent(e: LadderEvent, trace?: DecisionTrace): Steps<Decision> {
    if (trace) trace.path = 'ladders';
    switch (e.type) {
      case 'violation': {
        const v = yield* recordViolation(store, ladders, e);
        const d: Decision = { allowed: v.sanctions.length === 0, actions: [], matches: [], sanctions: v.sanctions, strikes: v.strikes };
        if (v.note) d.notes = [v.note];
        return d;
      }
      case 'linked.status': {
        const l = yield* linkedStatus(store, ladders, e);
        return { allowed: e.status === 'unblocked', actions: [], matches: [], sanctions: l.sanctions };
      }
      case 'appeal': {
        const a = yield* appeal(store, e);
        return { allowed: a.granted, actions: [], matches: [], appeal: { granted: a.granted, reason: a.reason }, sanctions: a.sanctions };
      }
      case 'contact.add': {
        const c = yield* contactAdd(store, policy.contactQuota, e);
        const d: Decision = { allowed: c.allowed, actions: [], matches: [] };
        if (c.reason) d.reason = c.reason;
        if (c.sanction) d.sanctions = [c.sanction];
        if (c.quota) d.quota = c.quota;
        return d;
      }
    }
  }

  function decide(event: ChatEvent, trace?: DecisionTrace): Steps<Decision> {
    switch (event.type) {
      case 'message':
        return decideMessage(event, trace);
      case 'join':
        return decideJoin(event, trace);
      default:
        return decideLadderEvent(event, trace);
    }
  }

  return { decide, sanctions: (subject: string, at: number) => activeSanctions(store, subject, at) };
}

function newTrace(event: ChatEvent): DecisionTrace {
  return { event: event.type, path: 'rules', rules: [], keywords: [], firings: [], merge: [] };
}

/** The engine on a synchronous store (memory by default, or SQLite). */
export function createEngine(policy: CompiledPolicy, options: EngineOptions = {}): Engine {
  const store = options.store ?? new MemoryStore();
  const clock = options.clock ?? Date.now;
  const logic = decisionLogic(policy, store, false, options.traceKeywords);
  return {
    policy,
    store,
    decide: (event) => runSync(logic.decide(event)),
    evaluate(raw) {
      const p = parseEvent(raw, clock);
      return p.ok ? runSync(logic.decide(p.event)) : { error: p.error };
    },
    explain(raw) {
      const p = parseEvent(raw, clock);
      if (!p.ok) return { error: p.error };
      const trace = newTrace(p.event);
      const decision = runSync(logic.decide(p.event, trace));
      return { decision, trace };
    },
    sanctions: (subject, at) => runSync(logic.sanctions(subject, at ?? clock())),
  };
}

/** The engine on an asynchronous store (Redis): the same logic, each store call awaited. */
export function createAsyncEngine(policy: CompiledPolicy, options: AsyncEngineOptions): AsyncEngine {
  const store = options.store;
  const clock = options.clock ?? Date.now;
  // The logic only ever uses a store call's result after `yield`, which `runAsync` settles.
  const logic = decisionLogic(policy, store as unknown as Store, true, options.traceKeywords);
  return {
    policy,
    store,
    decide: (event) => runAsync(logic.decide(event)),
    async evaluate(raw) {
      const p = parseEvent(raw, clock);
      return p.ok ? runAsync(logic.decide(p.event)) : { error: p.error };
    },
    async explain(raw) {
      const p = parseEvent(raw, clock);
      if (!p.ok) return { error: p.error };
      const trace = newTrace(p.event);
      const decision = await runAsync(logic.decide(p.event, trace));
      return { decision, trace };
    },
    sanctions: (subject, at) => runAsync(logic.sanctions(subject, at ?? clock())),
  };
}
