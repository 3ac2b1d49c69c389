// The policy a tenant's requests are decided with: one immutable snapshot (policy, its facts, revision,
// and the engine that runs it on the service's store), swapped atomically. A request reads the
// snapshot once, when it starts, and finishes on it whatever happens meanwhile. `reload()` runs
// the injected loader (the CLI's: check, lower, generate; the service never imports the
// compiler), and swaps only when the new set loaded without an error; otherwise the old snapshot
// keeps serving and the diagnostics come back. Reloads run one at a time, in the order asked.
import type { AsyncEngine, CompiledPolicy, Engine, InterpretedPolicy, IrKeywordRule, IrPolicySet, KeywordTrace } from '../index.ts';
import type { PolicyFacts } from '../index.ts';

/** A diagnostic as the service reports it (the compiler's `Diagnostic`, flattened to data). */
export interface ServiceDiagnostic {
  code: string;
  severity: string;
  message: string;
  file?: string;
  line?: number;
  column?: number;
}

/** One documented limit and how much of it the set uses (its largest use). */
export interface LimitUsage {
  limit: string;
  max: number | null;
  used: number;
  /** What the largest use is (`keywords in rule "retail-ads"`). */
  subject: string;
}

export interface LoadedPolicySet {
  /**
   * The IR. The service reads its facts (GET /v1/policy) and its keywords (the trace of
   * `explain`) from it and keeps only those; a loader may give `facts` and `keywordRules`
   * instead, as the reload worker does, so that the IR never reaches the serving thread.
   */
  ir?: IrPolicySet;
  facts?: PolicyFacts;
  keywordRules?: IrKeywordRule[];
  policy: CompiledPolicy;
  /** The reference interpreter of the same IR: when given, explanations take their keyword trace from it. */
  interpreter?: InterpretedPolicy;
  /** A content hash of the IR; the service computes one from the IR when the loader gives none. */
  revision?: string;
  /** `compiled` or `interpreter`. */
  engine?: string;
  limits?: LimitUsage[];
  /** Warnings of the check (a set with an error is never loaded). */
  warnings?: ServiceDiagnostic[];
}

export type PolicyLoadResult =
  | { ok: true; loaded: LoadedPolicySet }
  | {
      ok: false;
      diagnostics: ServiceDiagnostic[];
      /** One line saying why (no policy file, a path that vanished, the set has errors). */
      message: string;
      /** The diagnostics rendered for a person (the CLI's human format), for the log. */
      text?: string;
    };

/** Where a reload comes from: the start, a signal, the HTTP API, a watched folder, an upload. */
export type ReloadTrigger = 'start' | 'signal' | 'http' | 'watch' | 'upload';

/** What the loader is asked to load: the configured source, or uploaded files. */
export type PolicySource = { kind: 'configured' } | { kind: 'files'; files: Record<string, string> };

export type PolicyLoader = (source: PolicySource) => Promise<PolicyLoadResult>;

export type ServiceEngine = Engine | AsyncEngine;

export interface PolicySnapshot {
  readonly revision: string;
  /** What GET /v1/policy says of the set (the IR itself is not kept). */
  readonly facts: PolicyFacts;
  readonly policy: CompiledPolicy;
  /** The keyword trace `explain` shows. */
  readonly traceKeywords: (group: string, text: string) => KeywordTrace[];
  readonly engineKind: string;
  readonly limits: readonly LimitUsage[];
  readonly warnings: readonly ServiceDiagnostic[];
  /** When it began serving (wall clock, epoch ms). */
  readonly loadedAt: number;
  /** The engine on the service's store. */
  readonly engine: ServiceEngine;
}

export type ReloadOutcome =
  | { ok: true; revision: string; previous: string | null; changed: boolean }
  | { ok: false; revision: string | null; message: string; diagnostics: ServiceDiagnostic[]; text?: string };

export class PolicyHolder {
  private snapshot: PolicySnapshot | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly load: PolicyLoader,
    private readonly build: (loaded: LoadedPolicySet) => PolicySnapshot,
    private readonly onReload: (trigger: ReloadTrigger, outcome: ReloadOutcome) => void = () => {},
  ) {}

  /** The snapshot serving now; null before the first successful load. */
  get current(): PolicySnapshot | null {
    return this.snapshot;
  }

  /** Loads the set again (or the uploaded files) and swaps it in when it has no error. */
  reload(trigger: ReloadTrigger, source: PolicySource = { kind: 'configured' }): Promise<ReloadOutcome> {
    const run = this.queue.then(() => this.reloadNow(trigger, source));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async reloadNow(trigger: ReloadTrigger, source: PolicySource): Promise<ReloadOutcome> {
    const previous = this.snapshot;
    let outcome: ReloadOutcome;
    try {
      const r = await this.load(source);
      if (!r.ok) {
        outcome = { ok: false, revision: previous?.revision ?? null, message: r.message, diagnostics: r.diagnostics, text: r.text };
      } else {
        const next = this.build(r.loaded);
        const changed = previous?.revision !== next.revision;
        // One assignment: a request sees the old snapshot or the new one, never a mixture.
        if (changed) this.snapshot = next;
        outcome = { ok: true, revision: next.revision, previous: previous?.revision ?? null, changed };
      }
    } catch (e) {
      outcome = { ok: false, revision: previous?.revision ?? null, message: `the policy could not be loaded: ${e instanceof Error ? e.message : String(e)}`, diagnostics: [] };
    }
    this.onReload(trigger, outcome);
    return outcome;
  }
}
