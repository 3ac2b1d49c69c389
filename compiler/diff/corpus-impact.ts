// The impact section: replays a corpus of events (JSON Lines, the runtime's event format) through
// base and head, each with its own engine and fresh in-memory state, in order, and reports every
// event whose decision changed: newly stopped (allowed in base, not in head: recalled, removed,
// muted, blacklisted, sanctioned or refused), newly allowed (the reverse) or otherwise changed
// (other actions, other rules). Each change is counted against its causes:
//   - when both sides ran the rules: every rule whose firings (trigger and actions) differ;
//   - when a side stopped the event before the rules: the list that stopped it (enterprise or
//     personal blacklist, exempt customers), or the rule whose earlier mute or blacklist action
//     did (tracked per side);
//   - ladder events and sanctions: the ladders whose sanctions differ; contact adds: the quota;
//   - otherwise `state` (state left by earlier events differs).
// The engine is the reference interpreter (runtime/policy/interpreter.ts): it needs no code generation
// for either side, and the generated code is held to decide exactly as it does
// (spec/differential.test.ts). Events without `at` take the time of the last event that had one.
import { createEngine, isEventError, type Decision, type DecisionTrace, type Engine } from '../../runtime/engine/engine.ts';
import { interpretIr } from '../../runtime/policy/interpreter.ts';
import type { IrPolicySet } from '../../runtime/ir.ts';
import { MemoryStore } from '../../runtime/store/memory-store.ts';
import type { RuleFiring } from '../../runtime/policy/compiled-policy.ts';
import { actionText } from '../wording.ts';
import { joinEffects, type DecisionSummary, type Effect, type Impact, type ImpactExample, type ImpactKind, type ImpactSubject, type PolicyDiff } from './types.ts';

export interface ImpactOptions {
  /** How the corpus is named in the report. */
  corpus: string;
  /** Examples kept per cause (default 3). */
  examples?: number;
  /** The diff's effect of each rule and ladder it names, by `rule:name` / `ladder:name`. */
  effects?: Map<string, Effect>;
}

const TEXT_MAX = 80;

function shorten(s: string): string {
  const flat = s.replace(/\s+/g, ' ');
  return flat.length > TEXT_MAX ? `${flat.slice(0, TEXT_MAX - 1)}…` : flat;
}

function summarise(d: Decision): DecisionSummary {
  const s: DecisionSummary = { allowed: d.allowed, actions: d.actions.map(actionText), matches: d.matches.map((m) => `${m.rule}/${m.trigger}`) };
  if (d.blocked) s.by = `${d.blocked.list} blacklist${d.blocked.owner ? ` of ${d.blocked.owner}` : ''}${d.blocked.by === 'action' ? ' (by an earlier action)' : ''}`;
  else if (d.muted) s.by = 'muted';
  else if (d.exempt) s.by = 'exempt';
  else if (d.reason) s.by = d.reason;
  else if (d.appeal) s.by = `appeal ${d.appeal.granted ? 'granted' : 'refused'}: ${d.appeal.reason}`;
  if (d.quota) s.by = `${s.by ? `${s.by}; ` : ''}quota: ${d.quota.used} of ${d.quota.limit} used`;
  if (d.sanctions && d.sanctions.length > 0) {
    s.sanctions = d.sanctions.map((x) => {
      const step = typeof x.step === 'number' ? `step ${x.step}` : x.step;
      const end = x.lifted ? 'lifted' : x.until === null ? 'forever' : `until ${x.until}`;
      return `${x.ladder} ${step}: ${x.sanction} ${end}${x.appealable ? ', appealable' : ''}`;
    });
  }
  return s;
}

/** Per side: which rules' mute or blacklist actions stopped whom, for attributing later stops. */
class Causes {
  private mutes = new Map<string, string[]>();
  private lists = new Map<string, string[]>();

  note(group: string, owner: string | null, sender: string, d: Decision, firings: readonly RuleFiring[]): void {
    const by = (type: string) => [...new Set(firings.filter((f) => f.actions.some((a) => a.type === type)).map((f) => f.rule))];
    if (d.actions.some((a) => a.type === 'mute')) this.mutes.set(`${group}\u0000${sender}`, by('mute'));
    const b = d.actions.find((a) => a.type === 'blacklist');
    if (b && b.type === 'blacklist') {
      const key = b.scope === 'enterprise' ? '' : b.scope === 'personal' && owner !== null ? owner : group;
      const scope = b.scope === 'personal' && owner === null ? 'group' : b.scope;
      this.lists.set(`${scope}\u0000${key}\u0000${sender}`, by('blacklist'));
    }
  }

  muters(group: string, sender: string): string[] {
    return this.mutes.get(`${group}\u0000${sender}`) ?? [];
  }

  blacklisters(scope: string, key: string, sender: string): string[] {
    return this.lists.get(`${scope}\u0000${key}\u0000${sender}`) ?? [];
  }
}

interface SideRun {
  engine: Engine;
  causes: Causes;
}

function sideRun(ir: IrPolicySet, clock: () => number): SideRun {
  return { engine: createEngine(interpretIr(ir), { store: new MemoryStore(), clock }), causes: new Causes() };
}

function firingSignatures(firings: readonly RuleFiring[]): Map<string, string> {
  const m = new Map<string, string[]>();
  for (const f of firings) m.set(f.rule, [...(m.get(f.rule) ?? []), `${f.trigger}:${JSON.stringify(f.actions)}`]);
  return new Map([...m].map(([k, v]) => [k, v.join('|')]));
}

type Raw = Record<string, unknown>;

/** The causes that stopped an event before the rules ran on one side. */
function earlyCauses(d: Decision, raw: Raw, run: SideRun): string[] {
  const group = String(raw.group ?? '');
  const sender = String((raw.sender as Raw | undefined)?.id ?? '');
  if (d.blocked) {
    if (d.blocked.by === 'policy') return [d.blocked.list === 'enterprise' ? 'enterprise-blacklist:' : `personal-blacklist:${d.blocked.owner ?? ''}`];
    const key = d.blocked.list === 'enterprise' ? '' : d.blocked.list === 'personal' ? d.blocked.owner ?? '' : group;
    return run.causes.blacklisters(d.blocked.list, key, sender).map((r) => `rule:${r}`);
  }
  if (d.muted) return run.causes.muters(group, sender).map((r) => `rule:${r}`);
  if (d.exempt) return ['exempt:'];
  return [];
}

function ladderCauses(b: Decision, h: Decision): string[] {
  const bySig = (d: Decision) => {
    const m = new Map<string, string>();
    for (const s of d.sanctions ?? []) m.set(s.ladder, `${m.get(s.ladder) ?? ''}|${s.step}:${s.sanction}:${s.until}:${s.appealable}:${s.lifted ? 1 : 0}`);
    return m;
  };
  const x = bySig(b);
  const y = bySig(h);
  return [...new Set([...x.keys(), ...y.keys()])].filter((l) => x.get(l) !== y.get(l)).map((l) => `ladder:${l}`);
}

function causesOf(raw: Raw, b: { d: Decision; t: DecisionTrace }, h: { d: Decision; t: DecisionTrace }, runB: SideRun, runH: SideRun): string[] {
  const out = new Set<string>();
  if (b.t.event === 'message') {
    if (b.t.path === 'rules' && h.t.path === 'rules') {
      const x = firingSignatures(b.t.firings);
      const y = firingSignatures(h.t.firings);
      for (const r of new Set([...x.keys(), ...y.keys()])) if (x.get(r) !== y.get(r)) out.add(`rule:${r}`);
    } else {
      if (b.t.path !== 'rules') for (const c of earlyCauses(b.d, raw, runB)) out.add(c);
      if (h.t.path !== 'rules') for (const c of earlyCauses(h.d, raw, runH)) out.add(c);
    }
  }
  if (b.t.event === 'contact.add' && JSON.stringify(b.d.quota) !== JSON.stringify(h.d.quota)) out.add('quota:contact-add');
  if (out.size === 0) for (const c of ladderCauses(b.d, h.d)) out.add(c);
  if (out.size === 0 && b.t.event === 'contact.add') out.add('quota:contact-add');
  if (out.size === 0) out.add('state:');
  return [...out].sort();
}

function who(raw: Raw): string {
  if (raw.type === 'message') return `${String((raw.sender as Raw | undefined)?.id ?? '?')} in ${String(raw.group ?? '?')}`;
  if (raw.type === 'join') return `${String(raw.member ?? '?')} in ${String(raw.group ?? '?')}`;
  return String(raw.subject ?? '?');
}

function gist(raw: Raw): string {
  if (raw.type === 'message') return shorten(String(raw.text ?? ''));
  if (raw.type === 'violation') return `${String(raw.category ?? '')}${raw.severity === 'severe' ? ' (severe)' : ''}`;
  if (raw.type === 'linked.status') return String(raw.status ?? '');
  if (raw.type === 'contact.add') return `adds ${String(raw.contact ?? '?')}`;
  if (raw.type === 'appeal') return `appeals ${String(raw.sanction ?? raw.ladder ?? 'the newest sanction')}`;
  if (raw.type === 'join') return 'joins';
  return String(raw.type ?? '');
}

/**
 * The diff's effect of each cause the impact section may name: rules and ladders by name, the
 * set's lists (`enterprise-blacklist:`, `personal-blacklist:<owner>`, `exempt:`), the quota.
 */
export function causeEffects(diff: PolicyDiff): Map<string, Effect> {
  const m = new Map<string, Effect>();
  for (const s of diff.subjects) {
    if (s.kind === 'rule' || s.kind === 'ladder') m.set(`${s.kind}:${s.name}`, s.effect);
    if (s.kind === 'quota') m.set(`quota:${s.name}`, s.effect);
    if (s.kind !== 'set') continue;
    for (const c of s.changes) {
      if (!c.list) continue;
      const key = c.list.includes(':') ? c.list : `${c.list}:`;
      m.set(key, joinEffects(m.get(key) ?? 'equivalent', c.effect));
    }
  }
  return m;
}

/** Replays the corpus text (JSON Lines) through both policies and reports what changed. */
export function replayCorpus(base: IrPolicySet, head: IrPolicySet, corpus: string, options: ImpactOptions): Impact {
  const keep = options.examples ?? 3;
  let lastAt = Date.parse('2026-01-01T00:00:00Z');
  const clock = () => lastAt;
  const runB = sideRun(base, clock);
  const runH = sideRun(head, clock);
  const impact: Impact = {
    corpus: options.corpus,
    events: 0,
    messages: 0,
    badLines: 0,
    badExamples: [],
    changed: 0,
    newlyStopped: 0,
    newlyAllowed: 0,
    otherwiseChanged: 0,
    subjects: [],
    engine: 'interpreter',
  };
  const bad = (line: number, error: string) => {
    impact.badLines++;
    if (impact.badExamples.length < 5) impact.badExamples.push({ line, error });
  };
  const subjects = new Map<string, ImpactSubject>();
  const lines = corpus.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i].trim();
    if (text === '') continue;
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      bad(i + 1, 'not JSON');
      continue;
    }
    if (raw !== null && typeof raw === 'object' && typeof (raw as Raw).at === 'string') {
      const t = Date.parse((raw as Raw).at as string);
      if (Number.isFinite(t)) lastAt = t;
    }
    const eb = runB.engine.explain(raw);
    const eh = runH.engine.explain(raw);
    if (isEventError(eb) || isEventError(eh)) {
      const e = isEventError(eb) ? eb : (eh as { error: { code: string; message: string } });
      bad(i + 1, `${e.error.code}: ${e.error.message}`);
      continue;
    }
    const r = raw as Raw;
    impact.events++;
    if (eb.trace.event === 'message') {
      impact.messages++;
      const owner = typeof r.owner === 'string' ? r.owner : null;
      const sender = String((r.sender as Raw | undefined)?.id ?? '');
      runB.causes.note(String(r.group), owner, sender, eb.decision, eb.trace.firings);
      runH.causes.note(String(r.group), owner, sender, eh.decision, eh.trace.firings);
    }
    const before = summarise(eb.decision);
    const after = summarise(eh.decision);
    if (JSON.stringify(before) === JSON.stringify(after)) continue;
    impact.changed++;
    const kind: ImpactKind = before.allowed && !after.allowed ? 'newly-stopped' : !before.allowed && after.allowed ? 'newly-allowed' : 'changed';
    if (kind === 'newly-stopped') impact.newlyStopped++;
    else if (kind === 'newly-allowed') impact.newlyAllowed++;
    else impact.otherwiseChanged++;
    const example: ImpactExample = { line: i + 1, type: String(r.type), who: who(r), text: gist(r), before, after };
    for (const cause of causesOf(r, { d: eb.decision, t: eb.trace }, { d: eh.decision, t: eh.trace }, runB, runH)) {
      let s = subjects.get(cause);
      if (!s) {
        const colon = cause.indexOf(':');
        const k = cause.slice(0, colon) as ImpactSubject['kind'];
        const name = cause.slice(colon + 1) || null;
        s = { kind: k, name, effect: options.effects?.get(cause) ?? null, newlyStopped: 0, newlyAllowed: 0, changed: 0, examples: [] };
        subjects.set(cause, s);
      }
      if (kind === 'newly-stopped') s.newlyStopped++;
      else if (kind === 'newly-allowed') s.newlyAllowed++;
      else s.changed++;
      if (s.examples.length < keep) s.examples.push(example);
    }
  }
  const total = (s: ImpactSubject) => s.newlyStopped + s.newlyAllowed + s.changed;
  const key = (s: ImpactSubject) => `${s.kind}:${s.name ?? ''}`;
  impact.subjects = [...subjects.values()].sort((a, b) => total(b) - total(a) || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return impact;
}
