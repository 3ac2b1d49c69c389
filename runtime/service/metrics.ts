// The service's metrics, in one prom-client Registry per service (two services in one process
// never share a counter), every name prefixed `hush_`. spec/service.md lists them. The labelled
// children a decision touches are cached, so counting a decision costs a map look-up, not a
// label hash.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DecisionLogSink } from './decision-log.ts';

export type DecisionOutcome = 'allowed' | 'denied' | 'invalid' | 'store-error';

export class ServiceMetrics {
  readonly registry = new Registry();
  private readonly decisions: Counter<'outcome' | 'type'>;
  private readonly fired: Counter<'rule' | 'trigger'>;
  private readonly latency: Histogram<'type'>;
  private readonly storeLatency: Histogram<'operation'>;
  private readonly storeErrors: Counter<'code'>;
  private readonly reloads: Counter<'trigger' | 'result'>;
  private readonly revision: Gauge<'revision'>;
  private readonly responses: Counter<'route' | 'status'>;
  private readonly children = new Map<string, { inc(n?: number): void }>();
  private readonly observers = new Map<string, { observe(v: number): void }>();

  constructor(sink: () => DecisionLogSink, options: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.decisions = new Counter({ name: 'hush_decisions_total', help: 'Events answered, by outcome (allowed, denied, invalid, store-error) and event type', labelNames: ['outcome', 'type'], registers });
    this.fired = new Counter({ name: 'hush_rule_fired_total', help: 'Rule firings in decisions, by rule and trigger', labelNames: ['rule', 'trigger'], registers });
    this.latency = new Histogram({
      name: 'hush_decision_duration_seconds',
      help: 'Time to decide one event (validation excluded), by event type',
      labelNames: ['type'],
      buckets: [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 1],
      registers,
    });
    this.storeLatency = new Histogram({
      name: 'hush_store_operation_duration_seconds',
      help: 'Time of one state store operation, by operation',
      labelNames: ['operation'],
      buckets: [0.000001, 0.000005, 0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.25, 1, 2.5],
      registers,
    });
    this.storeErrors = new Counter({ name: 'hush_store_errors_total', help: 'State store failures, by hush/store/* code', labelNames: ['code'], registers });
    this.reloads = new Counter({ name: 'hush_reloads_total', help: 'Policy reloads, by trigger (start, signal, http, watch, upload) and result (ok, unchanged, refused)', labelNames: ['trigger', 'result'], registers });
    this.revision = new Gauge({ name: 'hush_policy_revision_info', help: 'The policy revision serving (value 1)', labelNames: ['revision'], registers });
    this.responses = new Counter({ name: 'hush_http_responses_total', help: 'HTTP responses, by route and status code', labelNames: ['route', 'status'], registers });
    new Gauge({
      name: 'hush_decision_log_queue_depth',
      help: 'Decisions handed to the decision log and not yet written',
      registers,
      collect() {
        this.set(sink().depth);
      },
    });
    new Counter({
      name: 'hush_decision_log_write_errors_total',
      help: 'Decision log writes that failed',
      registers,
      collect() {
        this.reset();
        this.inc(sink().writeErrors);
      },
    });
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'hush_' });
  }

  private child(key: string, make: () => { inc(n?: number): void }) {
    let c = this.children.get(key);
    if (c === undefined) this.children.set(key, (c = make()));
    return c;
  }

  decision(type: string, outcome: DecisionOutcome, seconds: number | null): void {
    this.child(`d\u0000${outcome}\u0000${type}`, () => this.decisions.labels(outcome, type)).inc();
    if (seconds !== null) {
      let o = this.observers.get(`l\u0000${type}`);
      if (o === undefined) this.observers.set(`l\u0000${type}`, (o = this.latency.labels(type)));
      o.observe(seconds);
    }
  }

  firedRule(rule: string, trigger: string): void {
    this.child(`f\u0000${rule}\u0000${trigger}`, () => this.fired.labels(rule, trigger)).inc();
  }

  storeOperation(operation: string, seconds: number): void {
    let o = this.observers.get(`s\u0000${operation}`);
    if (o === undefined) this.observers.set(`s\u0000${operation}`, (o = this.storeLatency.labels(operation)));
    o.observe(seconds);
  }

  storeError(code: string): void {
    this.storeErrors.labels(code).inc();
  }

  reload(trigger: string, result: 'ok' | 'unchanged' | 'refused'): void {
    this.reloads.labels(trigger, result).inc();
  }

  serving(revision: string): void {
    this.revision.reset();
    this.revision.labels(revision).set(1);
  }

  response(route: string, status: number): void {
    this.child(`r\u0000${route}\u0000${status}`, () => this.responses.labels(route, String(status))).inc();
  }
}
