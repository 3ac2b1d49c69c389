// The decision log: every decision the service makes is handed to a sink, after the answer is
// computed and before it is sent. The sink decides where it goes and how (a file of JSON lines,
// a queue drained by a writer); it never throws at a request: a write it cannot make is counted
// (`writeErrors`) and reported by /metrics. The service reads `depth` (entries
// accepted and not yet written) for /metrics, flushes the sink on shutdown, then closes it.

export interface DecisionLogEntry {
  decision_id: string;
  revision: string;
  /** The tenant whose policy decided (the default tenant is ''). */
  tenant: string;
  /** When the service decided (wall clock, epoch ms): not the event's own time. */
  decided_at: number;
  /** The event as received (its JSON text). */
  event: string;
  /** The decision (spec/runtime.md §3). */
  decision: unknown;
  /** How long the decision took (ms, validation excluded). */
  latency_ms?: number;
}

/** What a sink reports to the service's metrics. */
export interface DecisionLogObserver {
  /** One line written (durable: and synced), `seconds` after it was accepted. */
  written(seconds: number): void;
}

export interface DecisionLogSink {
  /**
   * Takes one decision. A sink that must write before the decision is answered (a durable mode)
   * returns a promise, and the answer waits for it; such a promise must not reject: a failed
   * write is counted in `writeErrors`, never thrown at a request. It resolves to `false` when the
   * line could not be written: the decision is then answered 503 `hush/service/log-failed`
   * (spec/service.md, "Decision log").
   */
  write(entry: DecisionLogEntry): void | Promise<void | boolean>;
  /** Entries accepted and not yet written. */
  readonly depth: number;
  /** Writes that failed since the sink was opened. */
  readonly writeErrors: number;
  /** Entries refused because the queue was full (a buffered sink), since the sink was opened. */
  readonly dropped?: number;
  /** Called once by the service with its metrics. */
  attach?(observer: DecisionLogObserver): void;
  /** Resolves once every accepted entry is written (or has failed). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** The sink of a service without a decision log. */
export const noDecisionLog: DecisionLogSink = {
  write() {},
  depth: 0,
  writeErrors: 0,
  flush: async () => {},
  close: async () => {},
};
