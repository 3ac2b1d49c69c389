// Which written policy modules this machine's Hush may import. A `.hush/` folder is part of a
// policy repository, so it is hostile input: CI runs `hush test` on pull-request content, and a
// committed `policy.mjs` would run its top-level code on import, whatever `hash` it exports.
// Trust therefore never comes from the folder itself. When `hush compile` writes a module it
// records, in the user's cache (outside every repository), that these exact bytes (module and
// data sidecar, by SHA-256) are what Hush generated for this IR. A command imports a written
// module only when its bytes have such a record for the IR it just checked, and it imports the
// bytes it hashed (copied to a private temporary file), never the path again; otherwise it
// compiles the policy in memory. A fresh clone, a CI runner, or a hand-edited module: no record.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The folder of trust records: `$HUSH_CACHE_DIR`, else `$XDG_CACHE_HOME/hush`, else `~/.cache/hush`. */
export function trustDir(): string {
  const base = process.env.HUSH_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'hush');
  return join(base, 'trusted-modules');
}

/** The name of the record of a module's bytes and its data sidecar's (empty when inline). */
export function moduleDigest(js: Uint8Array | string, data: Uint8Array | null): string {
  const h = createHash('sha256');
  h.update(createHash('sha256').update(js).digest());
  h.update(createHash('sha256').update(data ?? new Uint8Array(0)).digest());
  return h.digest('hex');
}

/** Records that Hush generated these bytes for the IR of hash `irHash`. Best effort: a cache that cannot be written only costs speed. */
export function recordTrusted(digest: string, irHash: string): void {
  try {
    const dir = trustDir();
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const tmp = join(dir, `${digest}.${process.pid}.tmp`);
    writeFileSync(tmp, irHash, { mode: 0o600 });
    renameSync(tmp, join(dir, digest));
  } catch {
    // No cache: commands compile in memory.
  }
}

/** Whether Hush recorded these bytes as generated for the IR of hash `irHash`. */
export function isTrusted(digest: string, irHash: string): boolean {
  try {
    return readFileSync(join(trustDir(), digest), 'utf8') === irHash;
  } catch {
    return false;
  }
}
