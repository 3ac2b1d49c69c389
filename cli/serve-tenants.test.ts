// `hush serve --tenants DIR` (spec/service.md, "Tenants"), in process on 127.0.0.1 with Node's
// fetch and the real checker: two enterprises with the same subject ids never share strikes,
// sanctions or flood windows (memory, one SQLite file each, one Redis prefix each on the real
// Redis); a tenant is loaded on its first request only; a broken tenant does not touch the
// other; unknown and hostile enterprise names are refused cleanly; a reload of one tenant leaves
// the other's revision; the header and the path must agree.
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { connect } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { TENANT_NAME as SERVICE_TENANT_NAME } from '../runtime/service/index.ts';
import { RedisStore } from '../runtime/store/redis-store.ts';
import { redisClusterUrl, redisUrl, requireRedis } from '../runtime/store/testing/redis.ts';
import { startServe, type ServeHandle, type ServeOptions } from './commands/serve.ts';
import { discoverTenants, TENANT_NAME } from './serve-tenants.ts';

const policy = (enterprise: string, keyword: string) => `enterprise "${enterprise}"
limits "wecom-4.1.36"

rule "ads" {
  owner super-admin "zhang.wei"
  groups "g-1", "g-2"
  keywords "${keyword}"
  when keyword then remove, warn "no ads", record harassment
}

rule "flood" {
  owner super-admin "zhang.wei"
  groups "g-1"
  when flood 2 in 1m then mute 10m
}

ladder "abuse" {
  for customers
  counts harassment
  step 1: mute for 1h
  step 2: mute for 24h
}
`;

const dirs: string[] = [];
const handles: ServeHandle[] = [];
afterEach(async () => {
  await Promise.all(handles.splice(0).map((h) => h.stop()));
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A folder of tenants: sub-folder → policy text. */
function tenantsDir(sets: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), 'hush-tenants-'));
  dirs.push(d);
  for (const [folder, text] of Object.entries(sets)) {
    mkdirSync(join(d, folder, 'sub'), { recursive: true });
    writeFileSync(join(d, folder, 'sub', 'p.policy'), text);
  }
  return d;
}

const io = (cwd: string) => ({ stdout: () => {}, stderr: () => {}, isTTY: false, cwd });

async function serve(dir: string, opts: ServeOptions = {}): Promise<ServeHandle> {
  const h = await startServe('.', { listen: '127.0.0.1:0', store: 'memory', logLevel: 'error', engine: 'interpreter', tenants: dir, ...opts }, io(dir), false);
  if (!h) throw new Error('did not start');
  handles.push(h);
  return h;
}

let at = Date.parse('2026-11-23T10:00:00Z');
const msg = (text: string, sender = 'c-9', group = 'g-1') => JSON.stringify({ type: 'message', group, sender: { id: sender, kind: 'customer' }, text, at: new Date((at += 1000)).toISOString() });

async function call(url: string, method = 'GET', body?: string, headers: Record<string, string> = {}) {
  const r = await fetch(url, { method, body, headers: { 'content-type': 'application/json', ...headers } });
  const text = await r.text();
  let json: any = text;
  try {
    json = JSON.parse(text);
  } catch {
    /* text */
  }
  return { status: r.status, body: json };
}

/** A request whose path is sent as written (fetch would resolve `..`). */
function raw(base: string, path: string): Promise<string> {
  return new Promise((done, fail) => {
    const req = request(`${base}${path}`, { method: 'POST', path, headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (b: Buffer) => (text += b));
      res.on('end', () => done(`${res.statusCode} ${(JSON.parse(text) as { error?: { code?: string } }).error?.code}`));
    });
    req.on('error', fail);
    req.end(msg('hi'));
  });
}

const steps = (body: any) => (body.sanctions as { step: number }[]).map((s) => s.step).sort();

async function isolation(h: ServeHandle) {
  const u = h.url;
  // acme: two ad messages from c-9 climb acme's customer ladder to step 2 (the second in another
  // group: step 1 mutes c-9 in the first).
  for (const group of ['g-1', 'g-2']) {
    const r = await call(`${u}/v1/t/acme/decide`, 'POST', msg('加微信', 'c-9', group));
    expect(r.status).toBe(200);
    expect(r.body.allowed).toBe(false);
  }
  expect(steps((await call(`${u}/v1/t/acme/sanctions/c-9?at=${at}`)).body)).toEqual([1, 2]);
  // globex has seen nothing of c-9: no sanction, and its first ad is its step 1.
  expect((await call(`${u}/v1/t/globex/sanctions/c-9?at=${at}`)).body.sanctions).toEqual([]);
  const g = await call(`${u}/v1/decide`, 'POST', msg('买买买'), { 'hush-enterprise': 'globex' });
  expect(g.status).toBe(200);
  expect(g.body.allowed).toBe(false);
  expect(steps((await call(`${u}/v1/t/globex/sanctions/c-9?at=${at}`)).body)).toEqual([1]);
  expect(steps((await call(`${u}/v1/t/acme/sanctions/c-9?at=${at}`)).body)).toEqual([1, 2]);
  // Flood: two messages of c-7 in acme, two in globex: neither reaches 3 in a minute.
  for (const t of ['acme', 'globex', 'acme', 'globex']) {
    const r = await call(`${u}/v1/t/${t}/decide/batch`, 'POST', `[${msg('hello', 'c-7')}]`);
    expect(r.status).toBe(200);
    expect(r.body[0].allowed).toBe(true);
  }
  const third = await call(`${u}/v1/t/acme/decide`, 'POST', msg('hello', 'c-7'));
  expect(third.body.matches.map((m: { trigger: string }) => m.trigger)).toContain('flood');
}

describe('hush serve --tenants', () => {
  it('the CLI and the service agree on what a tenant name is', () => {
    expect(TENANT_NAME.source).toBe(SERVICE_TENANT_NAME.source);
  });

  it('discovers tenants by their enterprise declaration; skips folders without one; refuses a name twice', async () => {
    const d = tenantsDir({ a: policy('acme', 'x'), b: policy('globex', 'y'), c: 'limits "wecom-4.1.36"\n', '.hidden': policy('secret', 'z'), e: policy('bad/../name', 'z') });
    const warnings: string[] = [];
    expect((await discoverTenants(d, (m) => warnings.push(m))).map((t) => t.name)).toEqual(['acme', 'globex']);
    expect(warnings.length).toBe(2);
    const dup = tenantsDir({ a: policy('acme', 'x'), b: policy('ACME', 'y') });
    await expect(discoverTenants(dup, () => {})).rejects.toThrow(/both declare enterprise/);
  });

  it('memory: the same subject in two tenants shares nothing', async () => {
    const h = await serve(tenantsDir({ one: policy('acme', '加微信'), two: policy('globex', '买买买') }));
    await isolation(h);
  });

  it('SQLite: one state file per tenant, named by the enterprise', async () => {
    const d = tenantsDir({ one: policy('acme', '加微信'), two: policy('globex', '买买买') });
    const h = await serve(d, { store: 'sqlite' });
    await isolation(h);
    expect(readdirSync(join(d, '.hush', 'tenants')).filter((f) => f.endsWith('.db')).sort()).toEqual(['acme.db', 'globex.db']);
  });

  it('Redis: one key prefix per tenant on the real Redis', async () => {
    const url = redisUrl();
    await requireRedis(url);
    const prefix = `hush:test:${randomBytes(6).toString('hex')}:`;
    try {
      const h = await serve(tenantsDir({ one: policy('acme', '加微信'), two: policy('globex', '买买买') }), { store: `${url}${url.includes('?') ? '&' : '?'}prefix=${prefix}` });
      await isolation(h);
      for (const t of ['acme', 'globex']) {
        const s = await RedisStore.connect(url, { prefix: `${prefix}${t}:`, mustExist: true });
        await s.close();
      }
    } finally {
      const s = new RedisStore(url, { prefix });
      await s.deleteAll().catch(() => undefined);
      await s.close();
    }
  });

  it('Redis Cluster: one hash-tagged key prefix per tenant on the real cluster', async () => {
    const url = redisClusterUrl();
    if (!url) return;
    const prefix = `hush:test:${randomBytes(6).toString('hex')}:`;
    const h = await serve(tenantsDir({ one: policy('acme', '加微信'), two: policy('globex', '买买买') }), { store: `${url}${url.includes('?') ? '&' : '?'}prefix=${prefix}` });
    await isolation(h);
    // Each tenant's state lives under its own prefix on the cluster: acme's two steps, globex's one.
    try {
      for (const [t, want] of [['acme', [1, 2]], ['globex', [1]]] as const) {
        const s = await RedisStore.connect(url, { prefix: `${prefix}${t}:`, mustExist: true });
        expect((await s.sanctionsOf('c-9')).map((x) => x.step).sort()).toEqual(want);
        await s.close();
      }
    } finally {
      const s = new RedisStore(url, { prefix });
      await s.deleteAll().catch(() => undefined);
      await s.close();
    }
  });

  it('loads a tenant on its first request only; a broken tenant leaves the other serving', async () => {
    const h = await serve(tenantsDir({ one: policy('acme', '加微信'), two: policy('globex', '买买买'), three: policy('broken', 'x') + 'rule "r" {\n  when keyword then explode\n}\n' }));
    const u = h.url;
    const list = async () => Object.fromEntries((await call(`${u}/v1/tenants`)).body.tenants.map((t: any) => [t.enterprise, t.loaded]));
    expect(await list()).toEqual({ acme: false, broken: false, globex: false });
    expect((await call(`${u}/v1/t/acme/policy`)).body.enterprise).toBe('acme');
    expect(await list()).toEqual({ acme: true, broken: false, globex: false });
    expect(await (await fetch(`${u}/metrics`)).text()).toMatch(/^hush_tenants_loaded 1$/m);
    const b = await call(`${u}/v1/t/broken/decide`, 'POST', msg('x'));
    expect(b.status).toBe(503);
    expect(b.body.error.code).toBe('hush/service/no-policy');
    const r = await call(`${u}/v1/t/broken/admin/reload`, 'POST');
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('hush/service/policy-refused');
    expect((await call(`${u}/v1/t/acme/decide`, 'POST', msg('加微信'))).status).toBe(200);
    const ready = await call(`${u}/readyz`);
    expect(ready.status).toBe(200);
    expect(Object.keys(ready.body.tenants)).toEqual(['acme']);
    // A SIGHUP-like reload of all: the broken one is refused for itself only.
    const all = await h.service.reload('signal');
    expect(all.ok).toBe(false);
    expect((await call(`${u}/v1/t/acme/decide`, 'POST', msg('hello'))).status).toBe(200);
  });

  it('a reload of one tenant leaves the other on its revision', async () => {
    const d = tenantsDir({ one: policy('acme', '加微信'), two: policy('globex', '买买买') });
    const h = await serve(d);
    const u = h.url;
    const a0 = (await call(`${u}/v1/t/acme/policy`)).body.revision;
    const g0 = (await call(`${u}/v1/t/globex/policy`)).body.revision;
    writeFileSync(join(d, 'one', 'sub', 'p.policy'), policy('acme', '代购'));
    writeFileSync(join(d, 'two', 'sub', 'p.policy'), policy('globex', '代购'));
    const r = await call(`${u}/v1/t/acme/admin/reload`, 'POST');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ previous: a0, changed: true });
    expect((await call(`${u}/v1/t/acme/policy`)).body.revision).not.toBe(a0);
    expect((await call(`${u}/v1/t/globex/policy`)).body.revision).toBe(g0);
    expect(await (await fetch(`${u}/metrics`)).text()).toMatch(/hush_tenant_reloads_total\{tenant="acme",trigger="http",result="ok"\} 1/);
    // An upload for acme that declares another enterprise is refused; acme keeps its revision.
    const a1 = (await call(`${u}/v1/t/acme/policy`)).body.revision;
    const up = await call(`${u}/v1/admin/policy`, 'PUT', JSON.stringify({ files: { 'p.policy': policy('globex', '代购') } }), { 'hush-enterprise': 'acme' });
    expect(up.status).toBe(422);
    expect(up.body.error.message).toMatch(/declares enterprise "globex"/);
    expect((await call(`${u}/v1/t/acme/policy`)).body.revision).toBe(a1);
  });

  it('refuses unknown, missing, mismatched and hostile enterprise names cleanly', async () => {
    const d = tenantsDir({ one: policy('acme', '加微信') });
    // A folder named like an enterprise that was not discovered is never probed.
    mkdirSync(join(d, 'evil'));
    const h = await serve(d);
    const u = h.url;
    const code = async (path: string, headers: Record<string, string> = {}) => {
      const r = await call(`${u}${path}`, 'POST', msg('hi'), headers);
      return `${r.status} ${r.body?.error?.code}`;
    };
    expect(await code('/v1/t/globex/decide')).toBe('404 hush/service/unknown-tenant');
    expect(await code('/v1/t/evil/decide')).toBe('404 hush/service/unknown-tenant');
    expect(await code('/v1/t/ACME/decide')).toBe('404 hush/service/unknown-tenant');
    expect(await code('/v1/decide')).toBe('400 hush/service/no-tenant');
    expect(await code('/v1/t/acme/decide', { 'hush-enterprise': 'globex' })).toBe('400 hush/service/tenant-mismatch');
    expect(await code('/v1/t/acme/decide', { 'hush-enterprise': 'acme' })).toBe('200 undefined');
    expect(await code('/v1/decide', { 'hush-enterprise': '../acme' })).toBe('400 hush/service/bad-tenant');
    expect(await raw(u, '/v1/t/../decide')).toBe('400 hush/service/bad-tenant');
    for (const bad of ['.hush', '%2E%2E', 'a%2Fb', '..%2F..%2Fetc', '%00', 'a%20b', '%E4%BC%81%E4%B8%9A', 'x'.repeat(65)]) {
      expect(await raw(u, `/v1/t/${bad}/decide`), bad).toBe('400 hush/service/bad-tenant');
    }
    // Raw non-ASCII in a request line: Node's parser refuses it before any route.
    const line = await new Promise<string>((done) => {
      const { hostname, port } = new URL(u);
      const sock = connect(Number(port), hostname, () => sock.end(Buffer.from('POST /v1/t/企业/decide HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n', 'utf8')));
      let text = '';
      sock.on('data', (b: Buffer) => (text += b));
      sock.on('close', () => done(text));
    });
    expect(line).toMatch(/^HTTP\/1\.1 400 [^]*"hush\/http\/bad-request"/);
    // Longer than the router's parameter cap (100): refused by the router.
    expect(await raw(u, `/v1/t/${'x'.repeat(5000)}/decide`)).toBe('400 hush/http/bad-request');
    expect(existsSync(join(d, '.hush', 'tenants', 'evil.db'))).toBe(false);
    expect((await call(`${u}/v1/tenants`)).body.tenants.map((t: any) => t.enterprise)).toEqual(['acme']);
  });
});
