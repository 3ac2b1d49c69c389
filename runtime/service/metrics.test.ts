// The counts the service keeps outside prom-client (responses, rule firings) against counting
// in prom-client as the service did before: at every scrape, the same series with the same
// values in the same order, whatever the sequence of responses, decisions and scrapes.
import fc from 'fast-check';
import { Counter, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { noDecisionLog } from './decision-log.ts';
import { ServiceMetrics } from './metrics.ts';

type Op = { kind: 'response'; route: string; status: number } | { kind: 'decision'; matches: { rule: string; trigger: string }[] } | { kind: 'scrape' };

const ROUTES = ['decide', 'decide-batch', 'metrics', 'none', 'explain'];
const STATUSES = [200, 400, 401, 404, 503];
const RULES = ['ads', 'links', '加微信', 'r"q', 'r\\s'];
const TRIGGERS = ['keyword', 'link', 'miniprogram', 'flood'];

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('response' as const), route: fc.constantFrom(...ROUTES), status: fc.constantFrom(...STATUSES) }),
  fc.record({ kind: fc.constant('decision' as const), matches: fc.array(fc.record({ rule: fc.constantFrom(...RULES), trigger: fc.constantFrom(...TRIGGERS) }), { maxLength: 12 }) }),
  fc.constant({ kind: 'scrape' as const }),
);

/** The service's counting before: each response a prom-client child `inc`, firings in a map of numbers flushed at scrape. */
class Reference {
  readonly registry = new Registry();
  private readonly responses = new Counter({ name: 'hush_http_responses_total', help: 'h', labelNames: ['route', 'status'], registers: [this.registry] });
  private readonly firedCounts = new Map<string, Map<string, number>>();

  constructor() {
    const firedCounts = this.firedCounts;
    new Counter({
      name: 'hush_rule_fired_total',
      help: 'h',
      labelNames: ['rule', 'trigger'],
      registers: [this.registry],
      collect() {
        for (const [rule, inner] of firedCounts) for (const [trigger, n] of inner) if (n > 0) this.inc({ rule, trigger }, n);
        firedCounts.clear();
      },
    });
  }

  response(route: string, status: number): void {
    this.responses.labels(route, String(status)).inc();
  }

  firedRule(rule: string, trigger: string): void {
    let inner = this.firedCounts.get(rule);
    if (inner === undefined) this.firedCounts.set(rule, (inner = new Map()));
    inner.set(trigger, (inner.get(trigger) ?? 0) + 1);
  }
}

/** The samples of one metric, in exposition order (help and type lines left out). */
async function samples(registry: Registry, name: string): Promise<string[]> {
  const text = (await registry.getSingleMetricAsString(name)) ?? '';
  return text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
}

async function run(ops: Op[], perMatch: boolean): Promise<{ got: string[][]; want: string[][] }> {
  const metrics = new ServiceMetrics(() => noDecisionLog, { defaultMetrics: false });
  const ref = new Reference();
  const got: string[][] = [];
  const want: string[][] = [];
  for (const o of [...ops, { kind: 'scrape' as const }]) {
    if (o.kind === 'response') {
      metrics.response(o.route, o.status);
      ref.response(o.route, o.status);
    } else if (o.kind === 'decision') {
      if (perMatch) for (const m of o.matches) metrics.firedRule(m.rule, m.trigger);
      else metrics.firedRules(o.matches);
      for (const m of o.matches) ref.firedRule(m.rule, m.trigger);
    } else {
      for (const name of ['hush_http_responses_total', 'hush_rule_fired_total']) {
        got.push(await samples(metrics.registry, name));
        want.push(await samples(ref.registry, name));
      }
    }
  }
  return { got, want };
}

describe('service metrics counted outside prom-client', () => {
  it('show responses and firings as counting in prom-client did, scrape after scrape', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 60 }), fc.boolean(), async (ops, perMatch) => {
        const { got, want } = await run(ops, perMatch);
        expect(got).toEqual(want);
      }),
      { numRuns: 300 },
    );
  });

  it('keep the order in which responses were first seen, across scrapes', async () => {
    const metrics = new ServiceMetrics(() => noDecisionLog, { defaultMetrics: false });
    metrics.response('metrics', 200);
    metrics.response('decide', 400);
    expect(await samples(metrics.registry, 'hush_http_responses_total')).toEqual(['hush_http_responses_total{route="metrics",status="200"} 1', 'hush_http_responses_total{route="decide",status="400"} 1']);
    metrics.response('decide', 200);
    metrics.response('metrics', 200);
    metrics.response('decide', 200);
    expect(await samples(metrics.registry, 'hush_http_responses_total')).toEqual([
      'hush_http_responses_total{route="metrics",status="200"} 2',
      'hush_http_responses_total{route="decide",status="400"} 1',
      'hush_http_responses_total{route="decide",status="200"} 2',
    ]);
    // A scrape with nothing new shows the same counts.
    expect(await samples(metrics.registry, 'hush_http_responses_total')).toHaveLength(3);
    expect((await samples(metrics.registry, 'hush_http_responses_total'))[2]).toBe('hush_http_responses_total{route="decide",status="200"} 2');
  });

  it('count every match of a decision, repeated rules included', async () => {
    const metrics = new ServiceMetrics(() => noDecisionLog, { defaultMetrics: false });
    metrics.firedRules([
      { rule: 'ads', trigger: 'keyword' },
      { rule: 'ads', trigger: 'link' },
      { rule: 'ads', trigger: 'keyword' },
    ]);
    metrics.firedRules([]);
    expect(await samples(metrics.registry, 'hush_rule_fired_total')).toEqual(['hush_rule_fired_total{rule="ads",trigger="keyword"} 2', 'hush_rule_fired_total{rule="ads",trigger="link"} 1']);
  });
});
