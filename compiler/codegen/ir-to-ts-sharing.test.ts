// Code generation shares what rules have in common: identical lists of actions are one list in
// the module, so the firings of rules that share one hold the same array (the engine's merge
// takes a run of them once), while decisions stay those of the interpreter.
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../runtime/engine/engine.ts';
import { interpretIr } from '../../runtime/policy/interpreter.ts';
import { irFromText } from '../../spec/testing/ir-from-text.ts';
import { loadCompiledPolicy } from './load-module.ts';

const POLICY = `
rule "a" {
  groups "g-1"
  allow links "shop.acme.cn"
  when link then recall, warn "no links"
}
rule "b" {
  groups "g-1"
  allow links "shop.acme.cn"
  when link then recall, warn "no links"
}
rule "c" {
  groups "g-1"
  allow links "shop.acme.cn"
  when link then recall, warn "other text"
}
rule "d" {
  groups "g-1"
  allow links "shop.acme.cn"
  when link then recall, warn "no links"
}
`;

describe('shared lists of actions', () => {
  it('gives rules with identical actions one list, and decides as the interpreter', async () => {
    const ir = irFromText(POLICY);
    const compiled = await loadCompiledPolicy(ir);
    const msg = { type: 'message', group: 'g-1', sender: { id: 'c-1', kind: 'customer' }, text: 'see https://x.example/', at: 0 } as const;
    const firings = compiled.evaluateMessage(
      { group: 'g-1', owner: null, sender: { id: 'c-1', kind: 'customer', identities: [] }, text: msg.text, links: [], miniprograms: [], cards: [], images: 0, at: 0 },
      { recentMessages: () => 0, joinedAt: () => null },
    );
    expect(firings.map((f) => f.rule)).toEqual(['a', 'b', 'c', 'd']);
    expect(firings[0].actions).toBe(firings[1].actions);
    expect(firings[0].actions).toBe(firings[3].actions);
    expect(firings[2].actions).not.toBe(firings[0].actions);
    const got = createEngine(compiled).explain(msg);
    const want = createEngine(interpretIr(ir)).explain(msg);
    expect(got).toEqual(want);
    expect('decision' in got && got.decision.actions).toEqual([{ type: 'recall' }, { type: 'warn', text: 'no links' }, { type: 'warn', text: 'other text' }]);
  });
});

describe('shared evidence', () => {
  // Rules with different whitelists: each has its own memoised evidence list, but a link, a
  // mini-program or a card that several of them refuse is one evidence object in all their
  // matches, so that a decision's JSON is made once per such object (runtime/engine/decision-json.ts).
  const rules = Array.from(
    { length: 10 },
    (_, i) => `
rule "r${i}" {
  groups "g-1"
  allow links "ok${i}.example"
  allow miniprograms "wx000000000000000${i}"
  allow cards "card-${i}"
  when link then recall
  when miniprogram then recall
  when card then recall
}`,
  ).join('\n');

  it('gives every rule that a link, a mini-program or a card fires the same evidence object, and decides as the interpreter', async () => {
    const ir = irFromText(rules);
    const compiled = await loadCompiledPolicy(ir);
    const msg = {
      type: 'message',
      group: 'g-1',
      sender: { id: 'c-1', kind: 'customer' },
      text: 'see https://x.example/ and ok3.example',
      links: ['https://ok1.example/a'],
      miniprograms: ['wx0000000000000002', 'wx9999999999999999'],
      cards: ['card-4'],
      at: '2026-11-23T10:00:00Z',
    } as const;
    const d = createEngine(compiled).decide(msg as never);
    expect(d).toEqual(createEngine(interpretIr(ir)).decide(msg as never));
    const byTrigger = (t: string) => d.matches.filter((m) => m.trigger === t);
    // Link: rule r1 allows links[0], so its first evidence is the link in the text; all others links[0].
    const links = byTrigger('link');
    expect(links).toHaveLength(10);
    const first = links.find((m) => m.rule === 'r0')!.evidence;
    expect(first).toEqual({ link: 'https://ok1.example/a', index: 0 });
    for (const m of links) if (m.rule !== 'r1') expect(m.evidence).toBe(first);
    const mps = byTrigger('miniprogram');
    expect(mps).toHaveLength(10);
    const mp0 = mps.find((m) => m.rule === 'r0')!.evidence;
    for (const m of mps) if (m.rule !== 'r2') expect(m.evidence).toBe(mp0);
    expect(mps.find((m) => m.rule === 'r2')!.evidence).toEqual({ miniprogram: 'wx9999999999999999', index: 1 });
    const cards = byTrigger('card');
    expect(cards).toHaveLength(9);
    for (const m of cards) expect(m.evidence).toBe(cards[0].evidence);
  });
});
