// The engine: an event in, a decision out. It validates the event, keeps all state in its store,
// asks the policy (interpreter or generated code, the same `CompiledPolicy` interface) which
// rules fire, and merges their actions. The order of evaluation and the merge rules are the
// contract of spec/runtime.md:
//
//   member → allowed; enterprise blacklist → personal blacklist of the group's owner →
//   blacklisted by an earlier action → muted in the group → exempt → every rule of the group,
//   actions merged one per type in the fixed order recall, remove, mute, blacklist, warn,
//   notify, record.
//
// Time is event time: the same events with the same starting state give the same decisions.
import type { CompiledPolicy, Evidence, MessageInput, RuleFiring, StateQueries } from './compiled-policy.ts';
import { parseEvent, type ChatEvent, type EventErrorDetail, type JoinEvent, type MessageEvent } from './events.ts';
import { ACTION_ORDER, type IrAction, type IrActionType, type IrTriggerType } from './ir.ts';
import type { KeywordTrace } from './interpreter.ts';
import { MemoryStore, type ActionBlacklist, type BlacklistScope, type Store } from './store.ts';

/** An action in a decision: the IR's action, a mute with its end time. */
export type DecisionAction =
  | { type: 'recall' }
  | { type: 'remove' }
  | { type: 'mute'; ms: number; until: string }
  | { type: 'blacklist'; scope: BlacklistScope }
  | { type: 'warn'; text: string }
  | { type: 'notify'; target: 'owner' | 'admins' }
  | { type: 'record'; category: string };

/** A rule that fired, with its first evidence. */
export interface Match {
  rule: string;
  trigger: IrTriggerType;
  evidence: Evidence;
}

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
  /** The sender is muted in this group until then. */
  muted?: { until: string };
  /** The sender is an exempt customer: no rule applies. */
  exempt?: true;
  /** The violation categories that `record` actions reported (for the penalty ladders). */
  recorded?: string[];
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
  event: 'message' | 'join';
  /** Where the decision was made. */
  path: 'member' | 'blocked' | 'muted' | 'exempt' | 'rules' | 'join';
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
  /** The time (epoch ms) of events without `at`. Default: the system clock. */
  clock?: () => number;
  /** Gives `explain` the keyword trace (the interpreter's `traceKeywords`). */
  traceKeywords?: (group: string, text: string) => KeywordTrace[];
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
}

export function isEventError(x: Decision | EventError | Explanation): x is EventError {
  return 'error' in x;
}

const iso = (t: number) => new Date(t).toISOString();

/** The widest blacklist wins a merge: the enterprise's covers the owner's, which covers the group's. */
const SCOPE_RANK: Record<BlacklistScope, number> = { group: 0, personal: 1, enterprise: 2 };

const ORDER_INDEX = new Map<IrActionType, number>(ACTION_ORDER.map((t, i) => [t, i]));

/**
 * Merges the actions of every firing: recall, remove: once; mute: the longest; blacklist: the
 * widest scope; warn: every distinct text once; notify: every distinct target once; record:
 * every distinct category once. Within a type, firing order (rules by name, `when` lines in
 * source order, actions as written). The result is in ACTION_ORDER.
 */
export function mergeActions(firings: readonly RuleFiring[], at: number, log?: MergeStep[]): DecisionAction[] {
  let recall = false;
  let remove = false;
  let mute: number | null = null;
  let blacklist: BlacklistScope | null = null;
  const warns: string[] = [];
  const notifies: ('owner' | 'admins')[] = [];
  const records: string[] = [];
  for (const f of firings) {
    for (const a of f.actions) {
      let outcome: MergeStep['outcome'] = 'kept';
      let reason: string | undefined;
      switch (a.type) {
        case 'recall':
          if (recall) (outcome = 'dropped'), (reason = 'already recalled');
          recall = true;
          break;
        case 'remove':
          if (remove) (outcome = 'dropped'), (reason = 'already removed');
          remove = true;
          break;
        case 'mute':
          if (mute === null) mute = a.ms;
          else if (a.ms > mute) (outcome = 'replaced'), (reason = `longer than the mute of ${mute} ms`), (mute = a.ms);
          else (outcome = 'dropped'), (reason = `a mute of ${mute} ms is at least as long`);
          break;
        case 'blacklist':
          if (blacklist === null) blacklist = a.scope;
          else if (SCOPE_RANK[a.scope] > SCOPE_RANK[blacklist]) (outcome = 'replaced'), (reason = `wider than the ${blacklist} blacklist`), (blacklist = a.scope);
          else (outcome = 'dropped'), (reason = `the ${blacklist} blacklist is at least as wide`);
          break;
        case 'warn':
          if (warns.includes(a.text)) (outcome = 'dropped'), (reason = 'the same warning text is already given');
          else warns.push(a.text);
          break;
        case 'notify':
          if (notifies.includes(a.target)) (outcome = 'dropped'), (reason = `the ${a.target} is already notified`);
          else notifies.push(a.target);
          break;
        case 'record':
          if (records.includes(a.category)) (outcome = 'dropped'), (reason = 'the category is already recorded');
          else records.push(a.category);
          break;
      }
      log?.push({ rule: f.rule, trigger: f.trigger, triggerIndex: f.triggerIndex, action: a, outcome, ...(reason ? { reason } : {}) });
    }
  }
  const out: DecisionAction[] = [];
  if (recall) out.push({ type: 'recall' });
  if (remove) out.push({ type: 'remove' });
  if (mute !== null) out.push({ type: 'mute', ms: mute, until: iso(at + mute) });
  if (blacklist !== null) out.push({ type: 'blacklist', scope: blacklist });
  for (const text of warns) out.push({ type: 'warn', text });
  for (const target of notifies) out.push({ type: 'notify', target });
  for (const category of records) out.push({ type: 'record', category });
  // The pushes above follow ACTION_ORDER; this keeps the two from drifting apart.
  if (out.length > 1) out.sort((x, y) => ORDER_INDEX.get(x.type)! - ORDER_INDEX.get(y.type)!);
  return out;
}

/** One match per rule and trigger, with the first evidence of the first firing. */
export function matchesOf(firings: readonly RuleFiring[]): Match[] {
  const out: Match[] = [];
  const seen = new Set<string>();
  for (const f of firings) {
    const key = `${f.rule}\u0000${f.trigger}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ rule: f.rule, trigger: f.trigger, evidence: f.evidence[0] });
  }
  return out;
}

/** The state a policy may ask about while deciding one message; reused between messages. */
class MessageState implements StateQueries {
  group = '';
  sender = '';
  at = 0;
  recorded = false;
  constructor(private readonly store: Store) {}

  reset(msg: MessageInput): void {
    this.group = msg.group;
    this.sender = msg.sender.id;
    this.at = msg.at;
    this.recorded = false;
  }

  // The message is recorded on the first question about its flood window, so that groups
  // without a flood trigger keep no timestamps; a policy asks for every flood trigger it
  // evaluates, so every message in a group with one is counted.
  recentMessages(windowMs: number): number {
    if (!this.recorded) {
      this.recorded = true;
      return this.store.recordMessage(this.group, this.sender, this.at, windowMs);
    }
    return this.store.countMessages(this.group, this.sender, this.at, windowMs);
  }

  joinedAt(): number | null {
    return this.store.joinedAt(this.group, this.sender);
  }
}

function blockedByAction(b: ActionBlacklist): Blocked {
  return { list: b.scope, by: 'action', ...(b.scope === 'personal' ? { owner: b.key } : {}), since: iso(b.at) };
}

export function createEngine(policy: CompiledPolicy, options: EngineOptions = {}): Engine {
  const store = options.store ?? new MemoryStore();
  const clock = options.clock ?? Date.now;
  const state = new MessageState(store);

  /** The first action-made blacklist that stops the sender here: enterprise, owner's, group's. */
  function blacklistedByAction(group: string, owner: string | null, sender: string): ActionBlacklist | null {
    return (
      store.blacklistEntry('enterprise', '', sender) ??
      (owner !== null ? store.blacklistEntry('personal', owner, sender) : null) ??
      store.blacklistEntry('group', group, sender)
    );
  }

  function decideMessage(msg: MessageEvent, trace?: DecisionTrace): Decision {
    if (msg.sender.kind === 'member') {
      if (trace) trace.path = 'member';
      return { allowed: true, actions: [], matches: [] };
    }
    const sender = msg.sender.id;
    let blocked: Blocked | undefined;
    if (policy.isEnterpriseBlacklisted(sender)) blocked = { list: 'enterprise', by: 'policy' };
    else if (msg.owner !== null && policy.isPersonalBlacklisted(msg.owner, sender)) blocked = { list: 'personal', by: 'policy', owner: msg.owner };
    else {
      const b = blacklistedByAction(msg.group, msg.owner, sender);
      if (b) blocked = blockedByAction(b);
    }
    if (blocked) {
      if (trace) trace.path = 'blocked';
      return { allowed: false, actions: [], matches: [], blocked };
    }
    const until = store.mutedUntil(msg.group, sender);
    if (until !== null && msg.at < until) {
      if (trace) trace.path = 'muted';
      return { allowed: false, actions: [], matches: [], muted: { until: iso(until) } };
    }
    if (policy.isExempt(sender)) {
      if (trace) trace.path = 'exempt';
      return { allowed: true, actions: [], matches: [], exempt: true };
    }
    if (trace) {
      trace.path = 'rules';
      trace.rules = [...policy.rulesForGroup(msg.group)];
      trace.keywords = options.traceKeywords?.(msg.group, msg.text) ?? [];
    }
    state.reset(msg);
    const firings = policy.evaluateMessage(msg, state);
    if (firings.length === 0) return { allowed: true, actions: [], matches: [] };
    if (trace) trace.firings = firings;
    const actions = mergeActions(firings, msg.at, trace?.merge);
    let allowed = true;
    const recorded: string[] = [];
    for (const a of actions) {
      switch (a.type) {
        case 'recall':
        case 'remove':
          allowed = false;
          break;
        case 'mute':
          allowed = false;
          store.mute(msg.group, sender, msg.at + a.ms);
          break;
        case 'blacklist':
          allowed = false;
          if (a.scope === 'enterprise') store.blacklist('enterprise', '', sender, msg.at);
          else if (a.scope === 'personal' && msg.owner !== null) store.blacklist('personal', msg.owner, sender, msg.at);
          // A personal blacklist needs the group's owner; without one, the group's list stands in.
          else store.blacklist('group', msg.group, sender, msg.at);
          break;
        case 'record':
          recorded.push(a.category);
          break;
      }
    }
    const d: Decision = { allowed, actions, matches: matchesOf(firings) };
    if (recorded.length > 0) d.recorded = recorded;
    return d;
  }

  function decideJoin(e: JoinEvent, trace?: DecisionTrace): Decision {
    if (trace) trace.path = 'join';
    // `blacklist group` keeps a sender out of the group: a join is refused, and not recorded.
    const b = store.blacklistEntry('group', e.group, e.member);
    if (b) return { allowed: false, actions: [], matches: [], blocked: blockedByAction(b) };
    store.recordJoin(e.group, e.member, e.at);
    return { allowed: true, actions: [], matches: [] };
  }

  function decide(event: ChatEvent, trace?: DecisionTrace): Decision {
    switch (event.type) {
      case 'message':
        return decideMessage(event, trace);
      case 'join':
        return decideJoin(event, trace);
    }
  }

  return {
    policy,
    store,
    decide: (event) => decide(event),
    evaluate(raw) {
      const p = parseEvent(raw, clock);
      return p.ok ? decide(p.event) : { error: p.error };
    },
    explain(raw) {
      const p = parseEvent(raw, clock);
      if (!p.ok) return { error: p.error };
      const trace: DecisionTrace = { event: p.event.type, path: 'rules', rules: [], keywords: [], firings: [], merge: [] };
      const decision = decide(p.event, trace);
      return { decision, trace };
    },
  };
}
