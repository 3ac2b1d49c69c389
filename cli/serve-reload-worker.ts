// `hush serve`'s reload worker, as the main thread sees it: one worker thread
// (serve-reload-task.ts, started through serve-reload-worker-boot.mjs, which registers tsx's
// loader) that reads, checks, lowers and generates a policy set off the thread that answers
// requests, so that decisions keep being answered during a reload. It is started on the first
// load, reused for every later one (one at a time, in the order asked: every tenant's reloads
// share it), and terminated by `close()`. It never keeps the process alive. A worker that
// crashes, exits or runs past the time limit fails that load with an error (the service then
// keeps the policy it serves) and is replaced on the next load.
import { Worker } from 'node:worker_threads';
import type { IrKeywordRule, IrPolicySet } from '../runtime/index.ts';
import type { LimitUsage, PolicyFacts, PolicySource, ServiceDiagnostic } from '../runtime/service/index.ts';
import type { EngineChoice } from './load-policy.ts';

/** One load asked of the worker. */
export interface ReloadRequest {
  id: number;
  source: PolicySource;
  /** The configured policy path (a file or a folder), relative to `cwd`. */
  path: string;
  cwd: string;
  engine: EngineChoice | undefined;
}

/** What the worker answers: data only (diagnostics flattened, the module as text and bytes). */
export type WorkerLoadResult =
  | { ok: false; diagnostics: ServiceDiagnostic[]; message: string; text?: string }
  | {
      ok: true;
      /** What GET /v1/policy says of the set, and what the keyword trace of `explain` reads. */
      facts: PolicyFacts;
      keywordRules: IrKeywordRule[];
      /**
       * The IR, only when the serving thread must build the interpreter from it (`--engine
       * interpreter`, or no module): for the largest set it is over a gigabyte of heap, which
       * every full garbage collection of the serving thread would walk.
       */
      ir: IrPolicySet | null;
      revision: string;
      limits: LimitUsage[];
      warnings: ServiceDiagnostic[];
      /** The generated module to import (none for `--engine interpreter`, or when generating failed). */
      module: { js: string; data: Uint8Array | null } | null;
      /** Why there is no module when one was wanted. */
      moduleError?: string;
    };

export type ReloadReply = { id: number; result: WorkerLoadResult } | { id: number; error: string };

export interface ReloadWorkerOptions {
  /** The worker's entry (default: serve-reload-worker-boot.mjs); tests give one that fails. */
  entry?: URL;
  /** How long one load may take before the worker is stopped and the load fails (default 10 minutes). */
  timeoutMs?: number;
}

export const DEFAULT_RELOAD_TIMEOUT_MS = 10 * 60_000;

export class ReloadWorker {
  private worker: Worker | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  private closed = false;
  private readonly entry: URL;
  private readonly timeoutMs: number;

  constructor(options: ReloadWorkerOptions = {}) {
    this.entry = options.entry ?? new URL('./serve-reload-worker-boot.mjs', import.meta.url);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_RELOAD_TIMEOUT_MS;
  }

  /** Loads in the worker, after every load asked before this one. */
  load(request: Omit<ReloadRequest, 'id'>): Promise<WorkerLoadResult> {
    const run = this.queue.then(() => this.loadNow({ ...request, id: this.nextId++ }));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Stops the worker (a load under way fails); a later load starts none. */
  async close(): Promise<void> {
    this.closed = true;
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(this.entry);
    w.unref();
    // A crash between loads: the next load starts a fresh worker.
    w.on('error', () => undefined);
    w.on('exit', () => {
      if (this.worker === w) this.worker = null;
    });
    this.worker = w;
    return w;
  }

  private loadNow(request: ReloadRequest): Promise<WorkerLoadResult> {
    if (this.closed) return Promise.reject(new Error('the reload worker is stopped'));
    const w = this.started();
    return new Promise<WorkerLoadResult>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        w.off('message', onMessage).off('error', onError).off('exit', onExit);
      };
      const fail = (message: string) => {
        done();
        if (this.worker === w) this.worker = null;
        void w.terminate();
        reject(new Error(message));
      };
      const onMessage = (reply: ReloadReply) => {
        if (reply.id !== request.id) return;
        done();
        if ('error' in reply) reject(new Error(reply.error));
        else resolve(reply.result);
      };
      const onError = (e: unknown) => fail(`the reload worker failed: ${e instanceof Error ? e.message : String(e)}`);
      const onExit = (code: number) => fail(`the reload worker exited (code ${code})`);
      const timer = setTimeout(() => fail(`the reload took longer than ${Math.round(this.timeoutMs / 1000)} s`), this.timeoutMs);
      timer.unref();
      w.on('message', onMessage).on('error', onError).on('exit', onExit);
      w.postMessage(request);
    });
  }
}
