// The service's view of its state store: every operation timed and every failure counted for
// /metrics, any failure that is not already a StoreError turned into one (`hush/store/failed`:
// a closed database, a driver error), so that no decision is ever made without state; a probe
// for /readyz; and the store's health: once the store says its state is unreadable or gone
// (`storeErrorStops`: corrupt, version, lost), the service decides nothing more and is not ready.
import { performance } from 'node:perf_hooks';
import { StoreError, storeErrorStops, type AsyncStore, type OpenedStore, type Store } from '../index.ts';
import type { ServiceMetrics } from './metrics.ts';

/** The operations of `Store` (runtime/store/store.ts), each timed under its own name. */
const OPERATIONS = [
  'recordMessage', 'countMessages', 'recordJoin', 'joinedAt', 'mute', 'mutedUntil', 'blacklist', 'blacklistEntry',
  'addStrike', 'strikesOf', 'putSanction', 'sanctionsOf', 'liftSanction', 'endSanction', 'setLinkedBlocked',
  'recordAppeal', 'appealsOf', 'addContact', 'admitMessage', 'admitJoin',
] as const;

/**
 * Every method of a store object (own and inherited), so that an operation this file does not
 * know yet still runs on the real store, never on the wrapper (whose fields it would shadow).
 */
function methodNames(store: object): string[] {
  const names = new Set<string>();
  for (let o: object | null = store; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o) as object | null) {
    for (const k of Object.getOwnPropertyNames(o)) {
      if (k !== 'constructor' && typeof (store as Record<string, unknown>)[k] === 'function') names.add(k);
    }
  }
  return [...names];
}

/** A key no event can name (ids are non-empty strings, but none starts with NUL in practice). */
const PROBE = '\u0000hush-readiness-probe';

export class StoreWatch {
  /** The StoreError that made the state unreadable or gone; null while the store is sound. */
  broken: StoreError | null = null;
  readonly kind: 'sync' | 'async';
  /** The store the engine is given: the opened one, instrumented. */
  readonly store: Store | AsyncStore;

  constructor(
    private readonly opened: OpenedStore,
    private readonly metrics: ServiceMetrics,
  ) {
    this.kind = opened.kind;
    this.store = opened.kind === 'sync' ? this.instrumentSync(opened.store) : this.instrumentAsync(opened.store);
  }

  get where(): string {
    return this.opened.where;
  }

  /** Counts a failure and remembers one that stops the store. */
  failed(e: StoreError): void {
    this.metrics.storeError(e.code);
    if (storeErrorStops(e) && this.broken === null) this.broken = e;
  }

  private asStoreError(e: unknown): StoreError {
    if (e instanceof StoreError) return e;
    return new StoreError('hush/store/failed', e instanceof Error ? e.message : String(e), this.opened.where);
  }

  private instrumentSync(store: Store): Store {
    const out = Object.create(store) as Record<string, unknown>;
    const s = store as unknown as Record<string, (...a: unknown[]) => unknown>;
    for (const name of methodNames(store)) out[name] = (...args: unknown[]) => s[name].apply(store, args);
    for (const op of OPERATIONS) {
      const fn = s[op];
      const series = this.metrics.storeOperationSeries(op);
      out[op] = (...args: unknown[]) => {
        const t = performance.now();
        try {
          return fn.apply(store, args);
        } catch (e) {
          const err = this.asStoreError(e);
          this.failed(err);
          throw err;
        } finally {
          series.observe((performance.now() - t) / 1000);
        }
      };
    }
    out.close = () => store.close();
    return out as unknown as Store;
  }

  private instrumentAsync(store: AsyncStore): AsyncStore {
    const out = Object.create(store) as Record<string, unknown>;
    const s = store as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
    for (const name of methodNames(store)) out[name] = (...args: unknown[]) => s[name].apply(store, args);
    for (const op of OPERATIONS) {
      const fn = s[op];
      const series = this.metrics.storeOperationSeries(op);
      out[op] = async (...args: unknown[]) => {
        const t = performance.now();
        try {
          return await fn.apply(store, args);
        } catch (e) {
          const err = this.asStoreError(e);
          this.failed(err);
          throw err;
        } finally {
          series.observe((performance.now() - t) / 1000);
        }
      };
    }
    out.close = () => store.close();
    return out as unknown as AsyncStore;
  }

  /**
   * Whether the store answers a read within `timeoutMs`: null when it does, else the StoreError.
   * A store that is broken stays broken.
   */
  async probe(timeoutMs: number): Promise<StoreError | null> {
    if (this.broken) return this.broken;
    let timer: NodeJS.Timeout | undefined;
    try {
      const read = Promise.resolve().then(() => this.store.mutedUntil(PROBE, PROBE));
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new StoreError('hush/store/unreachable', `no answer within ${timeoutMs} ms`, this.opened.where)), timeoutMs);
      });
      await Promise.race([read, late]);
      return null;
    } catch (e) {
      const err = this.asStoreError(e);
      if (storeErrorStops(err) && this.broken === null) this.broken = err;
      return err;
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.opened.store.close();
  }
}
