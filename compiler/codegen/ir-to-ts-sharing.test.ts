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
