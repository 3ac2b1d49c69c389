// `--store`: where the engine keeps its state (flood windows, mutes, ladders' strikes and
// sanctions). `memory` (gone when the command ends), `sqlite` (the embedded default file
// `.hush/state.db` under the working folder) or `sqlite:PATH`, `redis://HOST:PORT[/DB]` (many
// workers sharing state; `?prefix=hush:shop-1:` sets the key prefix), and
// `redis+cluster://HOST:PORT[,HOST:PORT…][?prefix=P]` (the same on a Redis Cluster: any of its
// nodes to start from; one event's keys share a hash slot, spec/deploy.md §3). Opening a store can fail with a StoreError (a corrupt or newer file, an
// unreachable server): the command reports its code and exits 2, and the file is left as it was.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { openStore as openRuntimeStore, StoreError, type OpenedStore } from '../runtime/index.ts';
import { UsageError } from './io.ts';

export type { OpenedStore };

export const STORE_HELP = 'where state lives: memory, sqlite (.hush/state.db), sqlite:PATH, redis://HOST:PORT[/DB][?prefix=P] or redis+cluster://HOST:PORT[,HOST:PORT…][?prefix=P]';

/** The embedded default store's file, under the working folder. */
export const DEFAULT_SQLITE = '.hush/state.db';

/** Opens the store a `--store` value names; `sqlite` and relative SQLite paths are under `cwd`. */
export async function openStore(spec: string, cwd: string, options: { mustExist?: boolean } = {}): Promise<OpenedStore> {
  let runtimeSpec = spec;
  if (spec === 'sqlite' || spec.startsWith('sqlite:')) {
    const file = resolve(cwd, spec === 'sqlite' ? DEFAULT_SQLITE : spec.slice('sqlite:'.length));
    runtimeSpec = `sqlite:${file}`;
  }
  try {
    if (runtimeSpec.startsWith('sqlite:') && !options.mustExist) makeStateFolder(runtimeSpec.slice('sqlite:'.length));
    const opened = await openRuntimeStore(runtimeSpec, options);
    if (opened) return opened;
  } catch (e) {
    if (e instanceof StoreError) throw new UsageError(`${e.code}: ${e.message}`);
    throw e;
  }
  throw new UsageError(`unknown store \`${spec}\` (${STORE_HELP})`);
}

/** Creates the folder of a state file, or says why it cannot (`EACCES`, a file in the way). */
function makeStateFolder(file: string): void {
  try {
    // Each missing folder in turn, not `recursive: true`: Node's recursive mkdir never returns
    // for some paths (under /proc/self it loops on ENOENT).
    const missing: string[] = [];
    for (let d = dirname(file); !existsSync(d); d = dirname(d)) {
      missing.push(d);
      if (dirname(d) === d) break;
    }
    for (const d of missing.reverse()) mkdirSync(d);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new StoreError('hush/store/unreachable', `cannot create the folder of the state file ${file} (${err.code ?? err.message})`, file);
  }
}
