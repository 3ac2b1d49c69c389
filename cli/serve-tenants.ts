// `hush serve --tenants DIR` (spec/service.md, "Tenants"): each sub-folder of DIR is one
// enterprise's policy set, keyed by the `enterprise "NAME"` its files declare (the compiler's
// parser reads it; the set is not checked until its tenant's first request). This file discovers
// the tenants and gives each its own store from the `--store` value: `memory` a MemoryStore each,
// `sqlite` a file `.hush/tenants/NAME.db` (`sqlite:DIR` a file `DIR/NAME.db`), a Redis or Redis
// Cluster URL the key prefix `PREFIX` + `NAME:` (default `hush:NAME:`), one connection per
// tenant. NAME has been validated (TENANT_NAME) before it ever becomes part of a path or a prefix.
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openStore as openRuntimeStore, type OpenedStore } from '../runtime/index.ts';
import type { PolicyLoader, TenantSource } from '../runtime/service/index.ts';
import { UsageError } from './io.ts';
import { DEFAULT_SQLITE, STORE_HELP } from './store-option.ts';

/**
 * The service's rule for a tenant name (runtime/service/tenants.ts, TENANT_NAME), repeated here
 * so that this file does not load the service; serve-tenants.test.ts checks that they agree.
 */
export const TENANT_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,62}[A-Za-z0-9])?$/;
const isTenantName = (name: string) => TENANT_NAME.test(name);

/** A discovered tenant: its enterprise name and its policy folder (absolute). */
export interface TenantFolder {
  name: string;
  folder: string;
}

/** The folder of the tenants' SQLite files for `--store sqlite` (under the working folder). */
export const DEFAULT_TENANTS_SQLITE = join(DEFAULT_SQLITE, '..', 'tenants');

/**
 * The tenants of DIR: each sub-folder (not hidden, not a symbolic link) whose policy files
 * declare one valid enterprise name. A folder declaring none, several or an invalid one is skipped
 * with a warning; two folders declaring the same name (ignoring case) are bad usage.
 */
export async function discoverTenants(dir: string, warn: (message: string) => void): Promise<TenantFolder[]> {
  return (await tenantDiscovery())(dir, warn);
}

/** The discovery, synchronous once the compiler's modules are loaded. */
async function tenantDiscovery(): Promise<(dir: string, warn: (message: string) => void) => TenantFolder[]> {
  const { discoverFiles } = await import('../compiler/load/discover-files.ts');
  const { parseFile } = await import('../compiler/check.ts');
  return (dir, warn) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      throw new UsageError(`cannot read the tenants folder ${dir} (${(e as NodeJS.ErrnoException).code ?? 'unreadable'})`);
    }
    const out: TenantFolder[] = [];
    const seen = new Map<string, string>();
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (!e.isDirectory() || e.name.startsWith('.') || e.name === 'node_modules') continue;
      const folder = join(dir, e.name);
      const names = new Set<string>();
      for (const f of discoverFiles(['.'], folder).files) {
        let text: string;
        try {
          text = readFileSync(join(folder, f.path), 'utf8');
        } catch {
          continue;
        }
        for (const d of parseFile(text, f.path, f.form).ast.declarations) if (d.kind === 'enterprise') names.add(d.name.value);
      }
      if (names.size !== 1) {
        warn(`${e.name}: ${names.size === 0 ? 'no `enterprise` declaration' : 'more than one `enterprise` name'}; not served`);
        continue;
      }
      const name = [...names][0];
      if (!isTenantName(name)) {
        warn(`${e.name}: the enterprise name is not 1 to 64 letters, digits, \`.\`, \`_\` or \`-\`; not served`);
        continue;
      }
      const other = seen.get(name.toLowerCase());
      if (other !== undefined) throw new UsageError(`the folders ${other} and ${e.name} of ${dir} both declare enterprise "${name}"`);
      seen.set(name.toLowerCase(), e.name);
      out.push({ name, folder });
    }
    return out;
  };
}

/**
 * The service's TenantSource for `--tenants DIR`: the tenants discovered now (bad usage when DIR
 * cannot be read or two folders declare one name), discovered again on a reload of all (SIGHUP;
 * a failure then keeps the list it had), each loaded from its folder and given its own store.
 */
export async function tenantSource(dir: string, storeSpec: string, cwd: string, loaderFor: (folder: string) => PolicyLoader, warn: (message: string) => void): Promise<TenantSource> {
  const discover = await tenantDiscovery();
  const open = await tenantStores(storeSpec, cwd);
  let folders = new Map(discover(dir, warn).map((t) => [t.name, t.folder]));
  let first = true;
  return {
    list: () => {
      if (!first) {
        try {
          folders = new Map(discover(dir, warn).map((t) => [t.name, t.folder]));
        } catch (e) {
          warn(`the tenants were not discovered again: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
      first = false;
      return [...folders.keys()];
    },
    loader: (name) => {
      const folder = folders.get(name);
      if (folder === undefined) return async () => ({ ok: false, diagnostics: [], message: `no tenant ${name}` });
      const load = loaderFor(folder);
      // A set loaded for a tenant (its folder, or an upload) must be that enterprise's.
      return async (source) => {
        const r = await load(source);
        const enterprise = r.ok ? (r.loaded.facts ?? r.loaded.ir)?.enterprise : undefined;
        if (r.ok && enterprise !== name) {
          return { ok: false, diagnostics: [], message: `the policy set declares enterprise ${JSON.stringify(enterprise)}, not ${JSON.stringify(name)}` };
        }
        return r;
      };
    },
    openStore: open,
  };
}

/**
 * A function opening each tenant's store from the `--store` value; checks the value (and creates
 * the SQLite folder) now, so that a bad one is bad usage at start, not a failure per tenant.
 */
export async function tenantStores(spec: string, cwd: string): Promise<(name: string) => Promise<OpenedStore>> {
  if (spec === 'memory') return async () => (await openRuntimeStore('memory'))!;
  if (spec === 'sqlite' || spec.startsWith('sqlite:')) {
    const folder = resolve(cwd, spec === 'sqlite' ? DEFAULT_TENANTS_SQLITE : spec.slice('sqlite:'.length));
    try {
      if (!existsSync(folder)) mkdirSync(folder, { recursive: true });
    } catch (e) {
      throw new UsageError(`hush/store/unreachable: cannot create the folder of the tenants' state files ${folder} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    return async (name) => {
      if (!isTenantName(name)) throw new Error(`not a tenant name: ${name}`);
      return (await openRuntimeStore(`sqlite:${join(folder, `${name}.db`)}`))!;
    };
  }
  if (spec.startsWith('redis://') || spec.startsWith('rediss://')) {
    // The URL is read strictly when a tenant's store is opened (a bad part is its
    // hush/store/bad-option); here only its prefix is taken.
    let base: string;
    try {
      base = new URL(spec).searchParams.get('prefix') || 'hush:';
    } catch {
      throw new UsageError(`hush/store/bad-option: the Redis store is not a URL (${STORE_HELP})`);
    }
    return async (name) => {
      if (!isTenantName(name)) throw new Error(`not a tenant name: ${name}`);
      const url = new URL(spec);
      url.searchParams.set('prefix', `${base}${name}:`);
      return (await openRuntimeStore(url.href))!;
    };
  }
  if (/^rediss?\+cluster:\/\//i.test(spec)) {
    // A cluster URL lists several nodes, which WHATWG URL does not parse: only its query is read
    // and rewritten here; the rest is read strictly when a tenant's store is opened.
    if (spec.includes('#')) throw new UsageError(`hush/store/bad-option: a Redis Cluster store has no fragment (${STORE_HELP})`);
    const q = spec.indexOf('?');
    const head = q < 0 ? spec : spec.slice(0, q);
    const query = new URLSearchParams(q < 0 ? '' : spec.slice(q + 1));
    const base = query.get('prefix') || 'hush:';
    return async (name) => {
      if (!isTenantName(name)) throw new Error(`not a tenant name: ${name}`);
      const own = new URLSearchParams(query);
      own.set('prefix', `${base}${name}:`);
      return (await openRuntimeStore(`${head}?${own.toString()}`))!;
    };
  }
  throw new UsageError(`unknown store \`${spec}\` (${STORE_HELP})`);
}
