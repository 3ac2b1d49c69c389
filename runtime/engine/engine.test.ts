import { describe, expect, it } from 'vitest';
import { irFromText } from '../../spec/testing/ir-from-text.ts';
import type { RuleFiring } from '../policy/compiled-policy.ts';
import { createEngine, isEventError, matchesOf, mergeActions, type Decision, type Engine } from './engine.ts';
import { interpretIr } from '../policy/interpreter.ts';
import type { IrAction } from '../ir.ts';
import { MemoryStore } from '../store/memory-store.ts';

const T0 = Date.parse('2026-11-23T10:00:00Z');

function msg(text: string, over: Record<string, unknown> = {}) {
  const { sender, ...rest } = over as { sender?: Record<string, unknown> };
  return { type: 'message', group: 'g-1', sender: { id: 'c-1', kind: 'customer', ...sender }, text, at: T0, ...rest };
}

function decide(engine: Engine, event: unknown): Decision {
  const d = engine.evaluate(event);
  if (isEventError(d)) throw new Error(d.error.message);
  return d;
}

function firing(rule: string, actions: IrAction[], trigger: RuleFiring['trigger'] = 'keyword', triggerIndex = 0): RuleFiring {
  return { rule, trigger, triggerIndex, evidence: [{ identity: `${rule}-${triggerIndex}` }], actions };
}

describe('mergeActions', () => {
  it('keeps one action per type in the fixed order, the longest mute and each warning text once', () => {
    const got = mergeActions(
      [
        firing('a', [{ type: 'record', category: 'harassment' }, { type: 'warn', text: 'w1' }, { type: 'mute', ms: 600_000 }, { type: 'notify', target: 'admins' }]),
        firing('b', [{ type: 'warn', text: 'w2' }, { type: 'warn', text: 'w1' }, { type: 'mute', ms: 3_600_000 }, { type: 'recall' }, { type: 'blacklist', scope: 'group' }]),
        firing('c', [{ type: 'mute', ms: 60_000 }, { type: 'remove' }, { type: 'recall' }, { type: 'blacklist', scope: 'enterprise' }, { type: 'blacklist', scope: 'personal' }, { type: 'notify', target: 'owner' }, { type: 'record', category: 'harassment' }]),
      ],
      T0,
    );
    expect(got).toEqual([
      { type: 'recall' },
      { type: 'remove' },
      { type: 'mute', ms: 3_600_000, until: '2026-11-23T11:00:00.000Z' },
      { type: 'blacklist', scope: 'enterprise' },
      { type: 'warn', text: 'w1' },
      { type: 'warn', text: 'w2' },
      { type: 'notify', target: 'admins' },
      { type: 'notify', target: 'owner' },
      { type: 'record', category: 'harassment' },
    ]);
  });

  it('logs which action won and why the others were dropped', () => {
    const log: Parameters<typeof mergeActions>[2] = [];
    mergeActions([firing('a', [{ type: 'mute', ms: 10 }]), firing('b', [{ type: 'mute', ms: 20 }]), firing('c', [{ type: 'mute', ms: 5 }])], T0, log);
    expect(log!.map((m) => [m.rule, m.outcome])).toEqual([
      ['a', 'kept'],
      ['b', 'replaced'],
      ['c', 'dropped'],
    ]);
  });

  it('reports one match per rule and trigger with the first evidence', () => {
    const f1 = firing('a', [], 'identity', 0);
    const f2 = firing('a', [], 'identity', 1);
    const f3 = firing('b', [], 'identity', 0);
    expect(matchesOf([f1, f2, f3])).toEqual([
      { rule: 'a', trigger: 'identity', evidence: { identity: 'a-0' } },
      { rule: 'b', trigger: 'identity', evidence: { identity: 'b-0' } },
    ]);
  });
});

const POLICY = `
blacklist enterprise "c-bad"
blacklist personal of "li.lei" "c-li"
exempt customers "vip"
rule "ads" {
  owner member "li.lei"
  groups "g-1", "g-2"
  keywords "加微信", "代购"
  when keyword then warn "请勿发送广告", recall, record harassment
  when flood 2 in 10s then mute 5m
  when new-member within 1m then recall
}
rule "lists" {
  owner member "li.lei"
  groups "g-1"
  keywords "刷单"
  when keyword then blacklist enterprise
}
`;

describe('the engine', () => {
  const ir = irFromText(POLICY);
  const fresh = () => createEngine(interpretIr(ir), { clock: () => T0 });

  it('decides the contract example', () => {
    expect(decide(fresh(), msg('你好，加微信领优惠'))).toEqual({
      allowed: false,
      actions: [{ type: 'recall' }, { type: 'warn', text: '请勿发送广告' }, { type: 'record', category: 'harassment' }],
      matches: [{ rule: 'ads', trigger: 'keyword', evidence: { text: '加微信', start: 3, end: 6, keyword: '加微信' } }],
      recorded: ['harassment'],
    });
  });

  it('keeps all evidence for explain, the first in the decision', () => {
    const x = fresh().explain(msg('代购 加微信 代购'));
    if (isEventError(x)) throw new Error('bad event');
    expect(x.decision.matches[0].evidence).toMatchObject({ text: '代购', start: 0 });
    expect(x.trace.firings[0].evidence.map((e) => ('start' in e ? e.start : -1))).toEqual([0, 3, 7]);
    expect(x.trace.path).toBe('rules');
    expect(x.trace.merge.map((m) => m.outcome)).toEqual(['kept', 'kept', 'kept']);
  });

  it('lets members through without matches', () => {
    expect(decide(fresh(), msg('加微信', { sender: { id: 'c-bad', kind: 'member' } }))).toEqual({ allowed: true, actions: [], matches: [] });
  });

  it('stops blacklisted customers before exemption and rules, and says why', () => {
    const e = fresh();
    expect(decide(e, msg('hi', { sender: { id: 'c-bad' } })).blocked).toEqual({ list: 'enterprise', by: 'policy' });
    expect(decide(e, msg('hi', { owner: 'li.lei', sender: { id: 'c-li' } })).blocked).toEqual({ list: 'personal', by: 'policy', owner: 'li.lei' });
    expect(decide(e, msg('hi', { owner: 'han.mei', sender: { id: 'c-li' } })).allowed).toBe(true);
    expect(decide(e, msg('加微信', { sender: { id: 'vip' } }))).toEqual({ allowed: true, actions: [], matches: [], exempt: true });
  });

  it('stops a sender blacklisted by an earlier action, in every group', () => {
    const e = fresh();
    expect(decide(e, msg('刷单')).actions).toEqual([{ type: 'blacklist', scope: 'enterprise' }]);
    const later = decide(e, msg('hello', { group: 'g-7', at: T0 + 1000 }));
    expect(later).toEqual({ allowed: false, actions: [], matches: [], blocked: { list: 'enterprise', by: 'action', since: '2026-11-23T10:00:00.000Z' } });
  });

  it('mutes on the flood and stops the sender in that group until the mute ends', () => {
    const e = fresh();
    const at = (s: number) => T0 + s * 1000;
    expect(decide(e, msg('1', { at: at(0) })).allowed).toBe(true);
    expect(decide(e, msg('2', { at: at(1) })).allowed).toBe(true);
    const third = decide(e, msg('3', { at: at(2) }));
    expect(third.actions).toEqual([{ type: 'mute', ms: 300_000, until: '2026-11-23T10:05:02.000Z' }]);
    expect(decide(e, msg('4', { at: at(3) })).muted).toEqual({ until: '2026-11-23T10:05:02.000Z' });
    expect(decide(e, msg('other group', { group: 'g-2', at: at(4) })).allowed).toBe(true);
    expect(decide(e, msg('back', { at: at(302) })).allowed).toBe(true);
  });

  it('records joins for the quiet period, by event time', () => {
    const e = fresh();
    expect(decide(e, { type: 'join', group: 'g-1', member: 'c-1', at: '2026-11-23T10:00:00Z' })).toEqual({ allowed: true, actions: [], matches: [] });
    expect(decide(e, msg('hi', { at: T0 + 59_999 })).matches[0]).toEqual({ rule: 'ads', trigger: 'new-member', evidence: { joinedAt: '2026-11-23T10:00:00.000Z', withinMs: 60_000 } });
    expect(decide(e, msg('hi', { at: T0 + 60_000 })).allowed).toBe(true);
  });

  it('returns an error for a bad event and goes on', () => {
    const e = fresh();
    expect(e.evaluate({ type: 'message' })).toEqual({ error: { code: 'hush/event/missing-field', field: 'group', message: '`group` is missing' } });
    expect(decide(e, msg('hi')).allowed).toBe(true);
  });

  it('keeps its state in the store it is given', () => {
    const store = new MemoryStore();
    const e1 = createEngine(interpretIr(ir), { store });
    decide(e1, msg('刷单'));
    const e2 = createEngine(interpretIr(ir), { store });
    expect(decide(e2, msg('hi', { at: T0 + 1 })).blocked?.by).toBe('action');
  });
});
