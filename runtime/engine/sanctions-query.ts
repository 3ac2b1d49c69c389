// What a store holds about a subject's sanctions, read without a policy: `hush sanctions` and an
// embedder's admin view ask here rather than reading store records themselves, so "in force" has
// one definition (ladders.ts `isActive`) shared with the engine's decisions.
import type { AsyncStore, Store } from '../store/store.ts';
import { activeSanctions, type SanctionView } from './ladders.ts';
import { runAsync, runSync } from './steps.ts';

export interface SanctionsQuery {
  /** The time (epoch ms) "in force" is judged at. */
  at: number;
  /** Also the sanctions that ended or were lifted. */
  all?: boolean;
}

/** A subject's sanctions on a synchronous store (memory, SQLite). */
export function sanctionsOf(store: Store, subject: string, q: SanctionsQuery): SanctionView[] {
  return runSync(activeSanctions(store, subject, q.at, q.all));
}

/** A subject's sanctions on an asynchronous store (Redis). */
export function sanctionsOfAsync(store: AsyncStore, subject: string, q: SanctionsQuery): Promise<SanctionView[]> {
  return runAsync(activeSanctions(store as unknown as Store, subject, q.at, q.all));
}
