// Opens the state store a store specification names, the one vocabulary every front end shares
// (`hush run --store`, `hush sanctions`, an embedder's configuration): `memory` (gone when the
// process ends), `sqlite:PATH` (the embedded store; the caller resolves PATH), and
// `redis://HOST:PORT[/DB][?prefix=P]` (many workers sharing state) and
// `redis+cluster://HOST:PORT[,HOST:PORT…][?prefix=P]` (the same on a Redis Cluster). The Redis client is loaded
// only when a Redis store is asked for. Failing to open is a StoreError, never a reset.
import { MemoryStore } from './memory-store.ts';
import type { AsyncStore, Store } from './store.ts';

export type OpenedStore = { kind: 'sync'; store: Store; where: string } | { kind: 'async'; store: AsyncStore; where: string };

export interface OpenStoreOptions {
  /** Refuse to create a SQLite file that is not there (readers such as `hush sanctions`). */
  mustExist?: boolean;
}

/** Opens the store `spec` names, or returns null when `spec` is no store specification. */
export async function openStore(spec: string, options: OpenStoreOptions = {}): Promise<OpenedStore | null> {
  if (spec === 'memory') return { kind: 'sync', store: new MemoryStore(), where: 'memory' };
  if (spec.startsWith('sqlite:')) {
    const file = spec.slice('sqlite:'.length);
    const { SqliteStore } = await import('./sqlite-store.ts');
    return { kind: 'sync', store: new SqliteStore(file, { mustExist: options.mustExist }), where: file };
  }
  if (spec.startsWith('redis+cluster://') || spec.startsWith('rediss+cluster://')) {
    // A Redis Cluster: the start nodes, read strictly like a one-server URL (no database).
    const { redisClusterTarget } = await import('./redis-cluster-target.ts');
    const { redacted } = await import('./redis-target.ts');
    redisClusterTarget(spec);
    const { RedisStore } = await import('./redis-store.ts');
    return { kind: 'async', store: await RedisStore.connect(spec, { mustExist: options.mustExist }), where: redacted(spec) };
  }
  if (spec.startsWith('redis://') || spec.startsWith('rediss://')) {
    // The URL is read strictly (`?prefix=…` sets the key prefix, default `hush:`) before ioredis
    // is loaded: a malformed one is `hush/store/bad-option`, naming the part.
    const { redisTarget, redacted } = await import('./redis-target.ts');
    redisTarget(spec);
    const { RedisStore } = await import('./redis-store.ts');
    return { kind: 'async', store: await RedisStore.connect(spec, { mustExist: options.mustExist }), where: redacted(spec) };
  }
  return null;
}
