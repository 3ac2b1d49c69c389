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

/** One subject and its sanctions in force. */
export interface SubjectSanctions {
  subject: string;
  sanctions: SanctionView[];
}

/**
 * Every subject with a sanction in force at `q.at` (with `q.all`, every subject with a sanction
 * recorded), in the store's subject order, with those sanctions: `hush sanctions --all`.
 */
export function sanctionedSubjectsOf(store: Store, q: SanctionsQuery): SubjectSanctions[] {
  return store
    .sanctionedSubjects()
    .map((subject) => ({ subject, sanctions: sanctionsOf(store, subject, q) }))
    .filter((x) => x.sanctions.length > 0);
}

/** `sanctionedSubjectsOf` on an asynchronous store (Redis). */
export async function sanctionedSubjectsOfAsync(store: AsyncStore, q: SanctionsQuery): Promise<SubjectSanctions[]> {
  const out: SubjectSanctions[] = [];
  for (const subject of await store.sanctionedSubjects()) {
    const sanctions = await sanctionsOfAsync(store, subject, q);
    if (sanctions.length > 0) out.push({ subject, sanctions });
  }
  return out;
}
