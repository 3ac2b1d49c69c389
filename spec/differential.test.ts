// The differential test: the reference interpreter and the generated code must decide every
// event alike. First every decision conformance case (spec/decisions/*/), then thousands of
// random event streams (fast-check) against policy sets that exercise every trigger: the
// examples, the decision cases' policies and spec/differential/all-triggers/. Random texts are
// built from the rules' own keywords and exception phrases, disguised with the tricks the
// normalisation undoes (case, full width, symbols and zero-width characters between letters,
// traditional characters, look-alike letters, combining marks) and mixed with noise; links are
// built from the whitelist patterns and near misses of them; groups, senders, owners, times,
// joins, identities, mini-programs and cards are drawn from the policy and beyond it. Each
// stream runs through two engines per implementation from empty state (one explains, one only
// decides), and the decisions and the full firings (every evidence, for `explain`) must be
// identical.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { Converter } from 'opencc-js/cn2t';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCompiledPolicy } from '../compiler/codegen/load-module.ts';
import { policySetToIr } from '../compiler/lower/policy-set-to-ir.ts';
import type { CompiledPolicy } from '../runtime/policy/compiled-policy.ts';
import { createEngine } from '../runtime/engine/engine.ts';
import { interpretIr } from '../runtime/policy/interpreter.ts';
import { keywordCore } from '../runtime/text/text-semantics.ts';
import { keywordSpellings, variantTable } from '../runtime/text/variants.ts';
import type { IrPolicySet } from '../runtime/ir.ts';
import { decisionCases, implementations, runDecisionCase } from './decisions-runner.ts';

const ROOT = join(import.meta.dirname, '..');
/** Streams per policy set, events per stream: about 10,000 random events in all. */
const RUNS = Number(process.env.HUSH_DIFF_RUNS ?? 40);
const MAX_EVENTS = 30;

function folders(dir: string): string[] {
  return readdirSync(join(ROOT, dir))
    .filter((f) => statSync(join(ROOT, dir, f)).isDirectory())
    .sort()
    .map((f) => join(dir, f));
}

describe('differential: decision conformance cases', () => {
  const compiled = implementations.find((i) => i.name !== 'interpreter');
  it('has the generated code among the implementations', () => expect(compiled).toBeDefined());
  for (const c of decisionCases) {
    it(c, async () => {
      const ref = await runDecisionCase(c, implementations[0]);
      const got = await runDecisionCase(c, compiled!);
      expect(got.got).toEqual(ref.got);
    });
  }
});

// ---- Random events -------------------------------------------------------------------------

const toTraditional = Converter({ from: 'cn', to: 't' });
const FULL_WIDTH = (s: string) => s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
const CONFUSE: Record<string, string> = { a: 'а', e: 'е', o: 'о', p: 'р', c: 'с', x: 'х', A: 'А', E: 'Е', O: 'О' };
const SEPARATORS = ['@', ' ', '\u200b', '.', '-', '*', '\u3000', '·', '_'];
const NOISE = ['你好', '请', '的', '路口交通', '成人教育', ' ', '，', '。', 'Essex', 'bitcoin', 'pornhub', 'sextant', 'free shipping', 'x', 'Word', 'Wordy', '🎁', 'e\u0301', '\ud800', 'ABC', 'ab', '微信号码', '！', 'https://', 'Ⅲ', '㎏'];

const PATTERN_TEXTS = ['13812345678', '1 38 1234 5678', '1281234567', '加个微', '加油微', 'vx', 'V x', 'weixin', 'abc123', '微信号码', '手机号', '電話號'];

interface Pools {
  words: string[];
  groups: string[];
  senders: string[];
  owners: string[];
  identities: string[];
  miniprograms: string[];
  cards: string[];
  links: string[];
}

/** Links allowed by a pattern, and near misses. */
function linkVariants(p: IrPolicySet['rules'][number]['links'][number]): string[] {
  const scheme = p.scheme ?? 'https';
  const other = scheme === 'https' ? 'http' : 'https';
  const path = p.pathPrefix ?? '/';
  const out = [
    `${scheme}://${p.host}${path}`,
    `${scheme}://${p.host}${path}x/y?q=1#f`,
    `${other}://${p.host}${path}`,
    `${scheme}://sub.${p.host}${path}`,
    `${scheme}://${p.host.toUpperCase()}.${path}`,
    `${scheme}://evil${p.host}${path}`,
    `${scheme}://${p.host}.evil.com${path}`,
    `${p.host}${path}`,
    `${scheme}://${p.host}:8080/`,
    `${scheme}://user@${p.host}/other`,
  ];
  if (p.pathPrefix) out.push(`${scheme}://${p.host}/`, `${scheme}://${p.host}${p.pathPrefix.slice(0, -1)}`);
  return out;
}

function pools(ir: IrPolicySet): Pools {
  const words = new Set<string>();
  const groups = new Set<string>(['g-none', '__proto__', 'constructor']);
  const identities = new Set<string>(['vip', 'new-customer']);
  const miniprograms = new Set<string>(['wx0000000000000000', 'wxffffffffffffffff']);
  const cards = new Set<string>(['card-x']);
  const links = new Set<string>(['https://evil.example.com/x', 'not a link', 'http://', 'https://[::1]/', 'ftp://acme.cn/', 'javascript:alert(1)']);
  for (const r of ir.rules) {
    for (const k of r.keywords) words.add(k.text.replace(/^\*|\*$/g, ''));
    for (const e of r.exceptions) words.add(e);
    // Under `variants`, a few spellings of each keyword and exception, the set's own lines' first.
    if (r.normalize.includes('variants')) {
      for (const x of [...r.keywords.map((k) => keywordCore(k.text).core), ...r.exceptions]) keywordSpellings(x, variantTable(ir.variants)).slice(1, 6).forEach((v) => words.add(v));
    }
    // Texts the patterns of spec/differential/patterns/ match, and near misses of them.
    if (r.patterns) for (const t of PATTERN_TEXTS) words.add(t);
    r.groups.slice(0, 5).forEach((g) => groups.add(g));
    for (const t of r.triggers) if (t.type === 'identity') t.identities.forEach((i) => identities.add(i));
    r.miniprograms.slice(0, 5).forEach((m) => miniprograms.add(m));
    r.cards.slice(0, 5).forEach((c) => cards.add(c));
    for (const p of r.links.slice(0, 5)) for (const l of linkVariants(p)) links.add(l);
  }
  const senders = new Set<string>(['c-1', 'c-2', 'c-3', '__proto__']);
  ir.enterpriseBlacklist.slice(0, 3).forEach((c) => senders.add(c));
  ir.exempt.slice(0, 3).forEach((c) => senders.add(c));
  for (const r of ir.rules) r.exempt?.slice(0, 2).forEach((c) => senders.add(c));
  for (const p of ir.personalBlacklists) p.customers.slice(0, 2).forEach((c) => senders.add(c));
  return {
    words: words.size > 0 ? [...words] : ['hello'],
    groups: [...groups],
    senders: [...senders],
    owners: ir.personalBlacklists.map((p) => p.owner).concat(['nobody']),
    identities: [...identities],
    miniprograms: [...miniprograms],
    cards: [...cards],
    links: [...links],
  };
}

/** A disguise the normalisation may (or, for some profiles, may not) undo. */
const disguise = fc.constantFrom(
  (s: string) => s,
  (s: string) => s.toUpperCase(),
  FULL_WIDTH,
  (s: string) => toTraditional(s),
  (s: string) => s.replace(/[aeopcxAEO]/g, (c) => CONFUSE[c] ?? c),
  (s: string) => [...s].join('@'),
  (s: string) => [...s].join('\u200b'),
  (s: string) => [...s].join(' '),
  (s: string) => s.replace(/e/g, 'e\u0301'),
);

function textArb(p: Pools): fc.Arbitrary<string> {
  const piece = fc.oneof(
    { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...p.words), disguise, fc.constantFrom(...SEPARATORS)).map(([w, d, sep]) => d(w).replace(/@/g, sep)) },
    { weight: 3, arbitrary: fc.constantFrom(...NOISE) },
    { weight: 1, arbitrary: fc.constantFrom(...p.links) },
    { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
  );
  return fc.array(piece, { maxLength: 7 }).map((xs) => xs.join(''));
}

interface Step {
  kind: 'message' | 'join';
  group: string;
  sender: string;
  member: boolean;
  owner: string | null;
  text: string;
  links: string[];
  miniprograms: string[];
  cards: string[];
  identities: string[];
  images: number;
  gapMs: number;
}

function stepArb(p: Pools): fc.Arbitrary<Step> {
  return fc.record({
    kind: fc.constantFrom<Step['kind']>('message', 'message', 'message', 'message', 'join'),
    group: fc.constantFrom(...p.groups),
    sender: fc.constantFrom(...p.senders),
    member: fc.boolean().map((b) => b && Math.random() < 0.1),
    owner: fc.option(fc.constantFrom(...p.owners), { nil: null }),
    text: textArb(p),
    links: fc.array(fc.constantFrom(...p.links), { maxLength: 2 }),
    miniprograms: fc.array(fc.constantFrom(...p.miniprograms), { maxLength: 2 }),
    cards: fc.array(fc.constantFrom(...p.cards), { maxLength: 2 }),
    identities: fc.array(fc.constantFrom(...p.identities), { maxLength: 2 }),
    images: fc.constantFrom(0, 0, 0, 1, 3),
    gapMs: fc.constantFrom(0, 1, 500, 1000, 1999, 2000, 5000, 9999, 10_000, 60_000, 600_000, 1_800_000, 10_800_000),
  });
}

function toEvents(steps: Step[]): unknown[] {
  let at = Date.parse('2026-11-23T10:00:00Z');
  return steps.map((s) => {
    at += s.gapMs;
    const time = new Date(at).toISOString();
    if (s.kind === 'join') return { type: 'join', group: s.group, member: s.sender, at: time };
    return {
      type: 'message',
      group: s.group,
      ...(s.owner !== null ? { owner: s.owner } : {}),
      sender: { id: s.sender, kind: s.member ? 'member' : 'customer', identities: s.identities },
      text: s.text,
      links: s.links,
      miniprograms: s.miniprograms,
      cards: s.cards,
      images: s.images,
      at: time,
    };
  });
}

/**
 * Decisions and full firings of a stream, from empty state: by `explain` (the policy's
 * `evaluateMessage`, every firing) and, on a second engine, by `evaluate` (its `decideMessage`),
 * which must give the same decisions.
 */
function run(policy: CompiledPolicy, events: unknown[]): [unknown, unknown][] {
  const explaining = createEngine(policy);
  const deciding = createEngine(policy);
  return events.map((e) => {
    const x = explaining.explain(e);
    const d = deciding.evaluate(e);
    return 'error' in x ? [x, d] : [{ decision: x.decision, firings: x.trace.firings, rules: x.trace.rules }, d];
  });
}

const sets = [
  ...folders('examples'),
  ...folders('spec/differential'),
  ...folders('spec/decisions'),
];

describe('differential: random event streams', () => {
  const loaded: { dir: string; ir: IrPolicySet; interpreter: CompiledPolicy; compiled: CompiledPolicy }[] = [];
  beforeAll(async () => {
    for (const dir of sets) {
      const ir = policySetToIr(['.'], { cwd: join(ROOT, dir) }).ir;
      if (!ir || ir.rules.length === 0) continue;
      loaded.push({ dir, ir, interpreter: interpretIr(ir), compiled: await loadCompiledPolicy(ir) });
    }
  });

  it('covers the examples, the decision cases and the all-triggers set', () => {
    expect(loaded.map((l) => l.dir)).toEqual(expect.arrayContaining(['examples/retail', 'spec/differential/all-triggers']));
    expect(loaded.length).toBeGreaterThan(10);
  });

  it('decides every random stream alike', () => {
    let events = 0;
    let fired = 0;
    const triggers = new Set<string>();
    for (const l of loaded) {
      const p = pools(l.ir);
      const runs = l.dir.includes('all-triggers') ? RUNS * 5 : RUNS;
      fc.assert(
        fc.property(fc.array(stepArb(p), { minLength: 5, maxLength: MAX_EVENTS }), (steps) => {
          const evs = toEvents(steps);
          const want = run(l.interpreter, evs);
          const got = run(l.compiled, evs);
          // Each implementation's two paths agree with each other…
          for (const [x, d] of [...want, ...got]) expect(d).toEqual((x as { decision?: unknown }).decision ?? x);
          events += evs.length;
          fired += want.filter(([d]) => JSON.stringify(d).includes('"allowed":false')).length;
          for (const [d] of want) for (const f of (d as { firings?: { trigger: string }[] }).firings ?? []) triggers.add(f.trigger);
          // …and the two implementations agree.
          expect(got, l.dir).toEqual(want);
        }),
        { numRuns: runs, seed: 20261123 },
      );
    }
    // The streams must exercise the rules, or agreeing would prove little.
    expect(events).toBeGreaterThan(5000);
    expect(fired).toBeGreaterThan(events / 20);
    expect([...triggers].sort()).toEqual(['card', 'flood', 'identity', 'image', 'keyword', 'length', 'link', 'miniprogram', 'new-member']);
  }, 600_000);
});
