// `--store`: where the engine keeps its state (flood windows, mutes, ladders' strikes and
// sanctions). `memory` (gone when the command ends), `sqlite` (the embedded default file
// `.hush/state.db` under the working folder) or `sqlite:PATH`, and `redis://HOST:PORT[/DB]` (many
// workers sharing state; `?prefix=hush:shop-1:` sets the key prefix). Opening a store can fail with a StoreError (a corrupt or newer file, an
// unreachable server): the command reports its code and exits 2, and the file is left as it was.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { MemoryStore } from '../runtime/store/memory-store.ts';
import { StoreError, type AsyncStore, type Store } from '../runtime/store/store.ts';
import { UsageError } from './io.ts';

export const STORE_HELP = 'where state lives: memory, sqlite (.hush/state.db), sqlite:PATH or redis://HOST:PORT[/DB][?prefix=P]';

/** The embedded default store's file, under the working folder. */
export const DEFAULT_SQLITE = '.hush/state.db';

export type OpenedStore = { kind: 'sync'; store: Store; where: string } | { kind: 'async'; store: AsyncStore; where: string };

/** Opens the store a `--store` value names. */
export async function openStore(spec: string, cwd: string, options: { mustExist?: boolean } = {}): Promise<OpenedStore> {
  try {
    if (spec === 'memory') return { kind: 'sync', store: new MemoryStore(), where: 'memory' };
    if (spec === 'sqlite' || spec.startsWith('sqlite:')) {
      const file = resolve(cwd, spec === 'sqlite' ? DEFAULT_SQLITE : spec.slice('sqlite:'.length));
      if (!options.mustExist) mkdirSync(dirname(file), { recursive: true });
      const { SqliteStore } = await import('../runtime/store/sqlite-store.ts');
      return { kind: 'sync', store: new SqliteStore(file, { mustExist: options.mustExist }), where: file };
    }
    if (spec.startsWith('redis://') || spec.startsWith('rediss://')) {
      const { RedisStore } = await import('../runtime/store/redis-store.ts');
      // `?prefix=…` sets the key prefix (default `hush:`), so deployments and tests can share a server.
      const url = new URL(spec);
      const prefix = url.searchParams.get('prefix') ?? undefined;
      url.search = '';
      const store = await RedisStore.connect(url.href, { prefix });
      return { kind: 'async', store, where: spec };
    }
  } catch (e) {
    if (e instanceof StoreError) throw new UsageError(`${e.code}: ${e.message}`);
    throw e;
  }
  throw new UsageError(`unknown store \`${spec}\` (${STORE_HELP})`);
}
