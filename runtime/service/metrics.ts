// The service's metrics, in one prom-client Registry per service (two services in one process
// never share a counter), every name prefixed `hush_`. spec/service.md lists them. What a
// decision counts (its outcome, its rules, its latency, its store operations) is kept in plain
// numbers, without a label hash, and handed to prom-client when /metrics is read: a prom-client
// child's `inc` or `observe` hashes its labels on every call, which cost a service deciding a
// message that fires 200 rules more than deciding it (bench/service.bench.ts). HTTP responses
// are counted the same way. Each count is a mutable box in a map (one look-up per label, no
// `set`); /metrics shows the same series, in the same order, as when each response was a
// prom-client child's `inc` and each firing a map entry set (metrics.test.ts holds it to that).
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DecisionLogSink } from './decision-log.ts';

export type DecisionOutcome = 'allowed' | 'denied' | 'invalid' | 'store-error';

export class ServiceMetrics {
  readonly registry = new Registry();
  private readonly decisions: Counter<'outcome' | 'type'>;
  private readonly fired: Counter<'rule' | 'trigger'>;
  private readonly latency: FastHistogram;
  private readonly storeLatency: FastHistogram;
  private readonly storeErrors: Counter<'code'>;
  private readonly reloads: Counter<'trigger' | 'result'>;
  private readonly revision: Gauge<'revision'>;
  private readonly responses: Counter<'route' | 'status'>;
  private readonly logWrite: Histogram;
  /** Decisions not yet handed to prom-client: outcome → type → count. */
  private readonly decisionCounts = new Map<string, Map<string, Count>>();
  /** Firings not yet handed to prom-client: rule → trigger → count. */
  private readonly firedCounts = new Map<string, Map<string, Count>>();
  /** Responses by route and status, each counted since the last scrape. */
  private readonly responseCounts = new ResponseCounts();

  constructor(sink: () => DecisionLogSink, options: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.decisions = scrapedCounter(registers, 'hush_decisions_total', 'Events answered, by outcome (allowed, denied, invalid, store-error) and event type', ['outcome', 'type'], (inc) =>
      flushCounts(this.decisionCounts, inc),
    );
    this.fired = scrapedCounter(registers, 'hush_rule_fired_total', 'Rule firings in decisions, by rule and trigger', ['rule', 'trigger'], (inc) => flushCounts(this.firedCounts, inc));
    this.latency = new FastHistogram(
      this.registry,
      'hush_decision_duration_seconds',
      'Time to decide one event (validation excluded), by event type',
      'type',
      [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 1],
    );
    this.storeLatency = new FastHistogram(
      this.registry,
      'hush_store_operation_duration_seconds',
      'Time of one state store operation, by operation',
      'operation',
      [0.000001, 0.000005, 0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.25, 1, 2.5],
    );
    this.storeErrors = new Counter({ name: 'hush_store_errors_total', help: 'State store failures, by hush/store/* code', labelNames: ['code'], registers });
    this.reloads = new Counter({ name: 'hush_reloads_total', help: 'Policy reloads, by trigger (start, signal, http, watch, upload) and result (ok, unchanged, refused)', labelNames: ['trigger', 'result'], registers });
    this.revision = new Gauge({ name: 'hush_policy_revision_info', help: 'The policy revision serving (value 1)', labelNames: ['revision'], registers });
    this.responses = scrapedCounter(registers, 'hush_http_responses_total', 'HTTP responses, by route and status code', ['route', 'status'], (inc) => this.responseCounts.flush(inc));
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
    new Counter({
      name: 'hush_decision_log_dropped_total',
      help: 'Decisions not logged because the buffered decision log queue was full',
      registers,
      collect() {
        this.reset();
        this.inc(sink().dropped ?? 0);
      },
    });
    this.logWrite = new Histogram({
      name: 'hush_decision_log_write_seconds',
      help: 'Time from a decision handed to the decision log to its line written (durable: and synced)',
      buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1],
      registers,
    });
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'hush_' });
  }

  decision(type: string, outcome: DecisionOutcome, seconds: number | null): void {
    count(this.decisionCounts, outcome, type, 1);
    if (seconds !== null) this.latency.series(type).observe(seconds);
  }

  /** `n` decisions of one type and outcome (a batch counts its decisions together). */
  countDecisions(type: string, outcome: DecisionOutcome, n: number): void {
    count(this.decisionCounts, outcome, type, n);
  }

  /** The latency series of one event type, to observe without a look-up per event. */
  latencyOf(type: string): HistogramSeries {
    return this.latency.series(type);
  }

  firedRule(rule: string, trigger: string): void {
    count(this.firedCounts, rule, trigger, 1);
  }

  /** Every match of one decision (one firing each), as `firedRule` for each. */
  firedRules(matches: readonly { rule: string; trigger: string }[]): void {
    for (let i = 0; i < matches.length; i++) count(this.firedCounts, matches[i].rule, matches[i].trigger, 1);
  }

  storeOperation(operation: string, seconds: number): void {
    this.storeLatency.series(operation).observe(seconds);
  }

  /** The series of one store operation (store-watch.ts keeps it, and observes without a look-up). */
  storeOperationSeries(operation: string): HistogramSeries {
    return this.storeLatency.series(operation);
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

  /** One decision log line written, `seconds` after the decision was handed over. */
  logWritten(seconds: number): void {
    this.logWrite.observe(seconds);
  }

  response(route: string, status: number): void {
    this.responseCounts.add(route, status);
  }
}

/** Hands counts by two labels to prom-client: `inc(first label's value, second's, n)`. */
type Flush = (inc: (a: string, b: string, n: number) => void) => void;

/** A counter of two labels whose counts are kept elsewhere and handed over by `flush` when /metrics is read. */
function scrapedCounter<A extends string, B extends string>(registers: Registry[], name: string, help: string, labelNames: [A, B], flush: Flush): Counter<A | B> {
  const [la, lb] = labelNames;
  return new Counter({
    name,
    help,
    labelNames,
    registers,
    collect() {
      flush((a, b, n) => this.inc({ [la]: a, [lb]: b } as Partial<Record<A | B, string>>, n));
    },
  });
}

/** A count not yet handed to prom-client. */
interface Count {
  n: number;
}

function count(counts: Map<string, Map<string, Count>>, a: string, b: string, n: number): void {
  let inner = counts.get(a);
  if (inner === undefined) counts.set(a, (inner = new Map()));
  const c = inner.get(b);
  if (c === undefined) inner.set(b, { n });
  else c.n += n;
}

/** Hands the counts gathered since the last scrape to prom-client, and starts them again. */
function flushCounts(counts: Map<string, Map<string, Count>>, inc: (a: string, b: string, n: number) => void): void {
  for (const [a, inner] of counts) for (const [b, c] of inner) if (c.n > 0) inc(a, b, c.n);
  counts.clear();
}

/**
 * Responses by route and status. prom-client shows series in the order they were first counted,
 * so the counts are handed over in the order each pair was first seen (a list, kept across
 * scrapes: a pair's series exists from the scrape after its first response on).
 */
export class ResponseCounts {
  private readonly byRoute = new Map<string, Map<number, Count>>();
  private readonly order: { route: string; status: string; c: Count }[] = [];

  add(route: string, status: number): void {
    let inner = this.byRoute.get(route);
    if (inner === undefined) this.byRoute.set(route, (inner = new Map()));
    const c = inner.get(status);
    if (c !== undefined) {
      c.n++;
      return;
    }
    const fresh = { n: 1 };
    inner.set(status, fresh);
    this.order.push({ route, status: String(status), c: fresh });
  }

  /** Hands over each pair's count since the last flush, in first-seen order. */
  flush(inc: (route: string, status: string, n: number) => void): void {
    for (const { route, status, c } of this.order) {
      if (c.n === 0) continue;
      const n = c.n;
      c.n = 0;
      inc(route, status, n);
    }
  }
}

/** One labelled series of a FastHistogram: bucket counts in a plain array. */
export class HistogramSeries {
  /** counts[i]: observations in (bounds[i-1], bounds[i]]; the last, above every bound. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(private readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(v: number): void {
    const b = this.bounds;
    let i = 0;
    while (i < b.length && v > b[i]) i++;
    this.counts[i]++;
    this.sum += v;
    this.count++;
  }
}

/**
 * A histogram with one label, registered in a prom-client Registry as a metric of its own and
 * exposed exactly as prom-client's Histogram is (`_bucket` with `le` first, cumulative, `+Inf`,
 * `_sum`, `_count`), observed without hashing its label.
 */
class FastHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly all = new Map<string, HistogramSeries>();

  constructor(
    registry: Registry,
    readonly name: string,
    readonly help: string,
    private readonly label: string,
    private readonly bounds: readonly number[],
  ) {
    registry.registerMetric(this as unknown as Histogram);
  }

  series(value: string): HistogramSeries {
    let s = this.all.get(value);
    if (s === undefined) this.all.set(value, (s = new HistogramSeries(this.bounds)));
    return s;
  }

  get() {
    const values: { labels: Record<string, string | number>; sharedLabels: Record<string, string>; value: number; metricName: string }[] = [];
    for (const [v, s] of this.all) {
      const shared = { [this.label]: v };
      let acc = 0;
      this.bounds.forEach((le, i) => {
        acc += s.counts[i];
        values.push({ labels: { le }, sharedLabels: shared, value: acc, metricName: `${this.name}_bucket` });
      });
      values.push({ labels: { le: '+Inf' }, sharedLabels: shared, value: s.count, metricName: `${this.name}_bucket` });
      values.push({ labels: {}, sharedLabels: shared, value: s.sum, metricName: `${this.name}_sum` });
      values.push({ labels: {}, sharedLabels: shared, value: s.count, metricName: `${this.name}_count` });
    }
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator });
  }

  reset(): void {
    this.all.clear();
  }
}
