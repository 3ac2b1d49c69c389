// The diff's classification is sound (fast-check): random policy pairs that differ in one rule
// (or in the set's lists), random messages decided by both from the same state (the engine with
// the reference interpreter, a fresh MemoryStore per side seeded alike with earlier messages and
// a join), and then:
//   - stricter (or equivalent): no message goes from stopped to allowed, and no action weakens
//     (a shorter mute, a narrower blacklist, recall or remove or a warning or a notified target
//     or a recorded category dropped);
//   - looser (or equivalent): the reverse;
//   - equivalent: decisions alike in all of that;
//   - no change at all: identical decisions.
// The classes are per message from the same state (spec/cli.md); over a stream, a mute that
// starts earlier also ends earlier, which the impact section shows on real messages.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine, isEventError, type Decision } from '../../runtime/engine/engine.ts';
import { interpretIr } from '../../runtime/policy/interpreter.ts';
import type { IrAction, IrLinkPattern, IrLoc, IrNormalizeStep, IrPolicySet, IrRule, IrTrigger, IrWindow } from '../../runtime/ir.ts';
import { MemoryStore } from '../../runtime/store/memory-store.ts';
import { parseLinkPattern } from '../model/link-pattern.ts';
import { diffPolicySets } from './policy-diff.ts';
import { irSide } from './side.ts';
import type { Verdict } from './types.ts';

const LOC: IrLoc = { file: 'p.policy', line: 1, column: 1, endLine: 1, endColumn: 1 };
const GROUPS = ['g1', 'g2', 'g3'];
const IDENTITIES = ['id-a', 'id-b', 'id-c'];
const KEYWORD_PARTS = ['a', 'b', 'A', 'ab', '加', '微', '信', '加微', '-', ' ', '*'];
const LINK_PATTERNS = ['*.acme.cn', 'https://shop.acme.cn/*', 'shop.acme.cn/deals', 'acme.cn/menu', 'http://x.org', '*.x.org/a'];
const LINKS = ['https://shop.acme.cn/deals/1', 'http://a.acme.cn/x', 'acme.cn/menu/2', 'http://x.org/a/b', 'https://x.org/', 'https://sub.x.org/a', 'https://evil.example/'];
const MINIS = ['wx1', 'wx2', 'wx3'];
const CARDS = ['card1', 'card2'];
const NORMALIZE: IrNormalizeStep[] = ['case', 'width', 'symbols'];
const T0 = Date.parse('2026-11-23T10:00:00Z');

const links = (ps: string[]): IrLinkPattern[] => ps.map((p) => (parseLinkPattern(p) as { ok: true; pattern: IrLinkPattern }).pattern);

const keywordArb = fc.array(fc.constantFrom(...KEYWORD_PARTS), { minLength: 1, maxLength: 3 }).map((xs) => xs.join(''));

const actionArb: fc.Arbitrary<IrAction> = fc.oneof(
  fc.constant({ type: 'recall' } as IrAction),
  fc.constant({ type: 'remove' } as IrAction),
  fc.constantFrom(1_000, 60_000, 600_000).map((ms) => ({ type: 'mute', ms }) as IrAction),
  fc.constantFrom('group', 'personal', 'enterprise').map((scope) => ({ type: 'blacklist', scope }) as IrAction),
  fc.constantFrom('w1', 'w2').map((text) => ({ type: 'warn', text }) as IrAction),
  fc.constantFrom('owner', 'admins').map((target) => ({ type: 'notify', target }) as IrAction),
  fc.constantFrom('harassment', 'fraud').map((category) => ({ type: 'record', category }) as IrAction),
);
const actionsArb = fc.array(actionArb, { minLength: 1, maxLength: 3 });

const triggerArb: fc.Arbitrary<IrTrigger> = fc.oneof(
  fc.record({ type: fc.constantFrom('keyword', 'keyword', 'link', 'miniprogram', 'card', 'image'), actions: actionsArb }).map((t) => ({ ...t, loc: LOC }) as IrTrigger),
  fc.record({ count: fc.integer({ min: 1, max: 4 }), windowMs: fc.constantFrom(1_000, 5_000, 60_000), actions: actionsArb }).map((t) => ({ type: 'flood', ...t, loc: LOC }) as IrTrigger),
  fc.record({ identities: fc.subarray(IDENTITIES, { minLength: 1 }), actions: actionsArb }).map((t) => ({ type: 'identity', ...t, loc: LOC }) as IrTrigger),
  fc.record({ withinMs: fc.constantFrom(1_000, 60_000), actions: actionsArb }).map((t) => ({ type: 'new-member', ...t, loc: LOC }) as IrTrigger),
  fc.record({ max: fc.constantFrom(2, 4, 8), actions: actionsArb }).map((t) => ({ type: 'length', ...t, loc: LOC }) as IrTrigger),
);

/** Rule windows around the messages' time (T0 is 18:00 at +08:00, 10:00 at +00:00), holding it or not. */
const windowArb: fc.Arbitrary<IrWindow> = fc.record({
  times: fc.subarray([{ start: 17 * 60, end: 19 * 60 }, { start: 22 * 60, end: 7 * 60 }, { start: 19 * 60, end: 17 * 60 }, { start: 10 * 60, end: 10 * 60 + 30 }]),
  days: fc.subarray(['2026-11-23', '2026-11-24']),
  utcOffsetMinutes: fc.constantFrom(480, 0),
});
/** A rule's own gate: a window or none, customers it exempts. */
const gateArb = fc.record({ window: fc.option(windowArb, { nil: null }), exempt: fc.subarray(['c1', 'c2']) });
const withGate = (r: IrRule, g: { window: IrWindow | null; exempt: string[] }): IrRule => {
  const { window: _w, exempt: _e, ...rest } = r;
  return { ...rest, ...(g.exempt.length > 0 ? { exempt: [...g.exempt].sort() } : {}), ...(g.window ? { window: g.window } : {}) };
};

const ruleArb = (name: string): fc.Arbitrary<IrRule> =>
  fc
    .record({
      groups: fc.subarray(GROUPS),
      normalize: fc.subarray(NORMALIZE),
      keywords: fc.uniqueArray(fc.record({ text: keywordArb, wholeWord: fc.boolean() }), { maxLength: 4, selector: (k) => k.text }),
      exceptions: fc.uniqueArray(keywordArb, { maxLength: 2 }),
      links: fc.subarray(LINK_PATTERNS),
      miniprograms: fc.subarray(MINIS),
      cards: fc.subarray(CARDS),
      triggers: fc.array(triggerArb, { minLength: 1, maxLength: 4 }),
      gate: fc.option(gateArb, { nil: null, freq: 3 }),
    })
    .map((r) => withGate({
      name,
      loc: LOC,
      owner: { role: 'member', id: 'o', managementRule: null },
      groups: [...r.groups].sort(),
      normalize: r.normalize,
      keywords: r.keywords.map((k) => ({ ...k, loc: LOC })).sort((x, y) => (x.text < y.text ? -1 : x.text > y.text ? 1 : 0)),
      exceptions: [...r.exceptions].sort(),
      links: links(r.links),
      miniprograms: r.miniprograms,
      cards: r.cards,
      announce: null,
      triggers: r.triggers,
    }, r.gate ?? { window: null, exempt: [] }));

/** One edit to a rule, as data so that fast-check can shrink it. */
type Edit =
  | { op: 'add-keyword'; text: string; wholeWord: boolean }
  | { op: 'remove-keyword'; i: number }
  | { op: 'toggle-whole-word'; i: number }
  | { op: 'add-exception'; text: string }
  | { op: 'remove-exception'; i: number }
  | { op: 'normalize'; steps: IrNormalizeStep[] }
  | { op: 'groups'; groups: string[] }
  | { op: 'links'; patterns: string[] }
  | { op: 'miniprograms'; ids: string[] }
  | { op: 'cards'; ids: string[] }
  | { op: 'add-trigger'; trigger: IrTrigger }
  | { op: 'remove-trigger'; i: number }
  | { op: 'replace-trigger'; i: number; trigger: IrTrigger }
  | { op: 'actions'; i: number; actions: IrAction[] }
  | { op: 'tweak-actions'; i: number; action: IrAction }
  | { op: 'retune'; i: number; count: number; windowMs: number; identities: string[]; withinMs: number; max: number }
  | { op: 'rename'; name: string }
  | { op: 'gate'; window: IrWindow | null; exempt: string[] };

const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ op: fc.constant('add-keyword' as const), text: keywordArb, wholeWord: fc.boolean() }),
  fc.record({ op: fc.constant('remove-keyword' as const), i: fc.nat(5) }),
  fc.record({ op: fc.constant('toggle-whole-word' as const), i: fc.nat(5) }),
  fc.record({ op: fc.constant('add-exception' as const), text: keywordArb }),
  fc.record({ op: fc.constant('remove-exception' as const), i: fc.nat(3) }),
  fc.record({ op: fc.constant('normalize' as const), steps: fc.subarray(NORMALIZE) }),
  fc.record({ op: fc.constant('groups' as const), groups: fc.subarray(GROUPS) }),
  fc.record({ op: fc.constant('links' as const), patterns: fc.subarray(LINK_PATTERNS) }),
  fc.record({ op: fc.constant('miniprograms' as const), ids: fc.subarray(MINIS) }),
  fc.record({ op: fc.constant('cards' as const), ids: fc.subarray(CARDS) }),
  fc.record({ op: fc.constant('add-trigger' as const), trigger: triggerArb }),
  fc.record({ op: fc.constant('remove-trigger' as const), i: fc.nat(4) }),
  fc.record({ op: fc.constant('replace-trigger' as const), i: fc.nat(4), trigger: triggerArb }),
  fc.record({ op: fc.constant('actions' as const), i: fc.nat(4), actions: actionsArb }),
  fc.record({ op: fc.constant('tweak-actions' as const), i: fc.nat(4), action: actionArb }),
  fc.record({ op: fc.constant('rename' as const), name: fc.constantFrom('r0', 'r1', 'r9') }),
  gateArb.map((g) => ({ op: 'gate' as const, ...g })),
  fc.record({
    op: fc.constant('retune' as const),
    i: fc.nat(4),
    count: fc.integer({ min: 1, max: 4 }),
    windowMs: fc.constantFrom(1_000, 5_000, 60_000),
    identities: fc.subarray(IDENTITIES, { minLength: 1 }),
    withinMs: fc.constantFrom(1_000, 60_000),
    max: fc.constantFrom(2, 4, 8),
  }),
);

function applyEdit(r: IrRule, e: Edit): IrRule {
  const x: IrRule = structuredClone(r);
  const at = <T,>(xs: T[], i: number) => (xs.length === 0 ? -1 : i % xs.length);
  switch (e.op) {
    case 'add-keyword':
      if (!x.keywords.some((k) => k.text === e.text)) x.keywords.push({ text: e.text, wholeWord: e.wholeWord, loc: LOC });
      break;
    case 'remove-keyword': {
      const i = at(x.keywords, e.i);
      if (i >= 0) x.keywords.splice(i, 1);
      break;
    }
    case 'toggle-whole-word': {
      const i = at(x.keywords, e.i);
      if (i >= 0) x.keywords[i].wholeWord = !x.keywords[i].wholeWord;
      break;
    }
    case 'add-exception':
      if (!x.exceptions.includes(e.text)) x.exceptions.push(e.text);
      break;
    case 'remove-exception': {
      const i = at(x.exceptions, e.i);
      if (i >= 0) x.exceptions.splice(i, 1);
      break;
    }
    case 'normalize':
      x.normalize = e.steps;
      break;
    case 'groups':
      x.groups = [...e.groups].sort();
      break;
    case 'links':
      x.links = links(e.patterns);
      break;
    case 'miniprograms':
      x.miniprograms = e.ids;
      break;
    case 'cards':
      x.cards = e.ids;
      break;
    case 'add-trigger':
      x.triggers.push(e.trigger);
      break;
    case 'remove-trigger': {
      const i = at(x.triggers, e.i);
      if (i >= 0) x.triggers.splice(i, 1);
      break;
    }
    case 'replace-trigger': {
      const i = at(x.triggers, e.i);
      if (i >= 0) x.triggers[i] = e.trigger;
      break;
    }
    case 'actions': {
      const i = at(x.triggers, e.i);
      if (i >= 0) x.triggers[i] = { ...x.triggers[i], actions: e.actions } as IrTrigger;
      break;
    }
    case 'tweak-actions': {
      const i = at(x.triggers, e.i);
      if (i < 0) break;
      const t = x.triggers[i];
      const same = t.actions.findIndex((a) => a.type === e.action.type);
      const actions = [...t.actions];
      if (same >= 0) actions[same] = e.action;
      else actions.push(e.action);
      x.triggers[i] = { ...t, actions } as IrTrigger;
      break;
    }
    case 'rename':
      x.name = e.name;
      break;
    case 'gate':
      return withGate(x, e);
    case 'retune': {
      // New parameters for a `when` line of the same type (the pairing keeps them paired).
      const i = at(x.triggers, e.i);
      if (i < 0) break;
      const t = x.triggers[i];
      if (t.type === 'flood') x.triggers[i] = { ...t, count: e.count, windowMs: e.windowMs };
      else if (t.type === 'identity') x.triggers[i] = { ...t, identities: e.identities };
      else if (t.type === 'new-member') x.triggers[i] = { ...t, withinMs: e.withinMs };
      else if (t.type === 'length') x.triggers[i] = { ...t, max: e.max };
      break;
    }
  }
  x.keywords.sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
  x.exceptions.sort();
  return x;
}

function policy(rules: IrRule[], lists: Partial<IrPolicySet> = {}): IrPolicySet {
  return {
    version: 1,
    enterprise: 'e',
    profile: 'wecom-4.1.36',
    enterpriseBlacklist: [],
    personalBlacklists: [],
    exempt: [],
    categories: [],
    rules: [...rules].sort((a, b) => (a.name < b.name ? -1 : 1)),
    ladders: [],
    contactQuota: null,
    ...lists,
  };
}

interface Msg {
  group: string;
  owner: string | null;
  sender: string;
  identities: string[];
  text: string;
  links: string[];
  miniprograms: string[];
  cards: string[];
  images: number;
  /** Earlier messages of the sender in the group, this many ms ago. */
  history: number[];
  /** When the sender joined, this many ms ago (none: no join seen). */
  joined: number | null;
}

const messageArb: fc.Arbitrary<Msg> = fc.record({
  group: fc.constantFrom(...GROUPS, 'g-other'),
  owner: fc.constantFrom(null, 'o1', 'o2'),
  sender: fc.constantFrom('c1', 'c2', 'c3'),
  identities: fc.subarray(IDENTITIES),
  text: fc.array(fc.constantFrom(...KEYWORD_PARTS, 'Ａ', 'x', 'ab ', '加 微'), { maxLength: 8 }).map((xs) => xs.join('')),
  links: fc.subarray(LINKS, { maxLength: 2 }),
  miniprograms: fc.subarray(MINIS, { maxLength: 2 }),
  cards: fc.subarray(CARDS, { maxLength: 1 }),
  images: fc.nat(2),
  history: fc.array(fc.constantFrom(100, 900, 3_000, 30_000, 90_000), { maxLength: 5 }),
  joined: fc.constantFrom(null, 500, 30_000, 120_000),
});

/** Decides one message from the seeded state, on a fresh store. */
function decide(ir: IrPolicySet, m: Msg): Decision {
  const store = new MemoryStore();
  for (const ago of m.history) store.recordMessage(m.group, m.sender, T0 - ago, 120_000);
  if (m.joined !== null) store.recordJoin(m.group, m.sender, T0 - m.joined);
  const engine = createEngine(interpretIr(ir), { store, clock: () => T0 });
  const event = {
    type: 'message',
    group: m.group,
    ...(m.owner ? { owner: m.owner } : {}),
    sender: { id: m.sender, kind: 'customer', identities: m.identities },
    text: m.text,
    links: m.links,
    miniprograms: m.miniprograms,
    cards: m.cards,
    images: m.images,
    at: new Date(T0).toISOString(),
  };
  const d = engine.evaluate(event);
  if (isEventError(d)) throw new Error(`bad test event: ${JSON.stringify(d.error)}`);
  return d;
}

const SCOPE = { group: 0, personal: 1, enterprise: 2 } as const;

/** The decision's strength, component by component (what the classification compares). */
function strength(d: Decision) {
  const mute = Math.max(0, ...d.actions.map((a) => (a.type === 'mute' ? a.ms : 0)));
  const blacklist = Math.max(-1, ...d.actions.map((a) => (a.type === 'blacklist' ? SCOPE[a.scope] : -1)));
  const set = (type: string, key: 'target' | 'category') => new Set(d.actions.filter((a) => a.type === type).map((a) => (a as Record<string, string>)[key]));
  return {
    // A blacklisted sender is stopped before any rule runs: the strongest decision there is.
    top: d.blocked !== undefined,
    stopped: !d.allowed,
    recall: d.actions.some((a) => a.type === 'recall'),
    remove: d.actions.some((a) => a.type === 'remove'),
    mute,
    blacklist,
    warns: d.actions.some((a) => a.type === 'warn'),
    notify: set('notify', 'target'),
    record: set('record', 'category'),
  };
}

/** True when `b` is at least as strong as `a` in every component. */
function atLeast(a: ReturnType<typeof strength>, b: ReturnType<typeof strength>): boolean {
  if (b.top) return true;
  if (a.top) return false;
  return (
    (!a.stopped || b.stopped) &&
    (!a.recall || b.recall) &&
    (!a.remove || b.remove) &&
    b.mute >= a.mute &&
    b.blacklist >= a.blacklist &&
    (!a.warns || b.warns) &&
    [...a.notify].every((x) => b.notify.has(x)) &&
    [...a.record].every((x) => b.record.has(x))
  );
}

/** A decision with its matches in one order (by their JSON). */
function inAnyOrder<D extends { matches: readonly unknown[] }>(d: D): D {
  return { ...d, matches: d.matches.map((m) => JSON.stringify(m)).sort() };
}

function checkPair(base: IrPolicySet, head: IrPolicySet, messages: Msg[], seen: Map<Verdict, number>, flips: { stricter: number; looser: number }): void {
  const d = diffPolicySets(irSide(base, 'base'), irSide(head, 'head'));
  seen.set(d.verdict, (seen.get(d.verdict) ?? 0) + 1);
  for (const m of messages) {
    const db = decide(base, m);
    const dh = decide(head, m);
    const sb = strength(db);
    const sh = strength(dh);
    const why = () => `verdict ${d.verdict}; changes: ${d.subjects.flatMap((s) => s.changes.map((c) => `${c.effect}: ${c.message}`)).join(' | ')}\nbase: ${JSON.stringify(db)}\nhead: ${JSON.stringify(dh)}`;
    // The order of statements is no change (spec/cli.md), and `matches` follow IR order: a rule
    // whose triggers only moved decides alike, its matches in another order.
    if (d.verdict === 'none') expect(inAnyOrder(dh), why()).toEqual(inAnyOrder(db));
    if (d.verdict === 'stricter' || d.verdict === 'equivalent') expect(atLeast(sb, sh), why()).toBe(true);
    if (d.verdict === 'looser' || d.verdict === 'equivalent') expect(atLeast(sh, sb), why()).toBe(true);
    if (d.verdict === 'stricter' && !sb.stopped && sh.stopped) flips.stricter++;
    if (d.verdict === 'looser' && sb.stopped && !sh.stopped) flips.looser++;
  }
}

describe('classification soundness (property)', () => {
  it('a rule changed by random edits: stricter never lets a stopped message through, looser never stops an allowed one', () => {
    const seen = new Map<Verdict, number>();
    const flips = { stricter: 0, looser: 0 };
    fc.assert(
      fc.property(
        fc.tuple(ruleArb('r0'), ruleArb('r1')),
        fc.nat(1),
        fc.array(editArb, { minLength: 1, maxLength: 3 }),
        fc.array(messageArb, { minLength: 1, maxLength: 12 }),
        ([r0, r1], which, edits, messages) => {
          const rules = [r0, r1];
          const changed = edits.reduce(applyEdit, rules[which]);
          // A rename onto the other rule's name would merge two rules: keep names distinct.
          if (changed.name === rules[1 - which].name) return;
          const headRules = rules.map((r, i) => (i === which ? changed : r));
          checkPair(policy(rules), policy(headRules), messages, seen, flips);
        },
      ),
      { numRuns: 1000 },
    );
    // Not vacuous: every class occurs, and the tests saw decisions actually change.
    for (const v of ['stricter', 'looser', 'both', 'equivalent', 'none'] as const) expect(seen.get(v) ?? 0, `verdict ${v}`).toBeGreaterThan(10);
    expect(flips.stricter).toBeGreaterThan(5);
    expect(flips.looser).toBeGreaterThan(5);
  });

  it('a rule added or removed, and a rule with no edit at all', () => {
    fc.assert(
      fc.property(ruleArb('r0'), ruleArb('r1'), fc.array(messageArb, { minLength: 1, maxLength: 6 }), (r0, r1, messages) => {
        const seen = new Map<Verdict, number>();
        const flips = { stricter: 0, looser: 0 };
        checkPair(policy([r0]), policy([r0, r1]), messages, seen, flips);
        checkPair(policy([r0, r1]), policy([r0]), messages, seen, flips);
        checkPair(policy([r0, r1]), policy([structuredClone(r0), structuredClone(r1)]), messages, seen, flips);
        expect(seen.get('none')).toBe(1);
      }),
      { numRuns: 150 },
    );
  });

  it("the set's lists: blacklists stricter, exempt customers looser", () => {
    const listArb = fc.record({
      enterpriseBlacklist: fc.subarray(['c1', 'c2']),
      exempt: fc.subarray(['c3']),
      personal: fc.subarray(['c1', 'c3']),
    });
    fc.assert(
      fc.property(ruleArb('r0'), listArb, listArb, fc.array(messageArb, { minLength: 1, maxLength: 6 }), (r0, a, b, messages) => {
        const lists = (x: typeof a): Partial<IrPolicySet> => ({
          enterpriseBlacklist: x.enterpriseBlacklist,
          exempt: x.exempt.filter((c) => !x.enterpriseBlacklist.includes(c) && !x.personal.includes(c)),
          personalBlacklists: x.personal.length > 0 ? [{ owner: 'o1', customers: x.personal, loc: LOC }] : [],
        });
        checkPair(policy([r0], lists(a)), policy([r0], lists(b)), messages, new Map(), { stricter: 0, looser: 0 });
      }),
      { numRuns: 200 },
    );
  });
});
