// The multi-tenant service (spec/service.md, "Tenants") through createService with an injected
// TenantSource, on 127.0.0.1 with Node's fetch: a tenant is created once however many first
// requests race; a token is checked before a tenant is loaded; a store that cannot be opened is
// 503 with its code and tried again; a lost store stops its tenant only (decides and /readyz);
// the single-tenant routes answer no-tenant without the header.
import { afterEach, describe, expect, it } from 'vitest';
import { irFromText } from '../../spec/testing/ir-from-text.ts';
import { interpretIr, MemoryStore, StoreError, type OpenedStore, type Store } from '../index.ts';
import { parseTokens } from './auth.ts';
import type { PolicyLoader } from './policy-holder.ts';
import { createService, type Service } from './service.ts';
import { isTenantName, type TenantSource } from './tenants.ts';
import { failingStore as failing } from './testing/failing-store.ts';

const policy = (enterprise: string) => `enterprise "${enterprise}"
limits "wecom-4.1.36"

rule "ads" {
  owner super-admin "zhang.wei"
  groups "g-1"
  keywords "加微信"
  when keyword then remove, record harassment
}
`;
const msg = JSON.stringify({ type: 'message', group: 'g-1', sender: { id: 'c-9', kind: 'customer' }, text: '加微信', at: '2026-11-23T10:00:00Z' });

const running: Service[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});


function source(names: string[], stores: Record<string, () => Promise<OpenedStore>> = {}) {
  const loads: string[] = [];
  const opens: string[] = [];
  const src: TenantSource = {
    list: () => names,
    loader: (name): PolicyLoader => async () => {
      loads.push(name);
      const ir = irFromText(policy(name));
      const p = interpretIr(ir);
      return { ok: true, loaded: { ir, policy: p, interpreter: p, engine: 'interpreter' } };
    },
    openStore: async (name) => {
      opens.push(name);
      return stores[name] ? stores[name]() : { kind: 'sync', store: new MemoryStore(), where: 'memory' };
    },
  };
  return { src, loads, opens };
}

async function start(src: TenantSource, tokens?: string): Promise<string> {
  const service = await createService({ tenants: src, defaultMetrics: false, tokens: tokens ? parseTokens(tokens, 't') : undefined });
  running.push(service);
  return service.listen('127.0.0.1', 0);
}

const post = async (url: string, headers: Record<string, string> = {}) => {
  const r = await fetch(url, { method: 'POST', body: msg, headers });
  return { status: r.status, body: (await r.json()) as any };
};

describe('the tenant registry', () => {
  it('names: ASCII letters, digits, . _ -, 1 to 64, no dot or dash at either end', () => {
    for (const ok of ['acme', 'acme-retail', 'ww1234abcd', 'a', 'a.b_c-d', 'x'.repeat(64)]) expect(isTenantName(ok), ok).toBe(true);
    for (const bad of ['', '.', '..', '.hush', 'a/b', 'a\\b', '-a', 'a-', 'a b', 'é', '企业', 'a\u0000', 'x'.repeat(65), '__proto__x_']) expect(isTenantName(bad), bad).toBe(false);
  });

  it('creates a tenant once however many first requests race', async () => {
    const { src, loads, opens } = source(['acme', 'globex']);
    const url = await start(src);
    const rs = await Promise.all(Array.from({ length: 20 }, () => post(`${url}/v1/t/acme/decide`)));
    expect(rs.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(loads).toEqual(['acme']);
    expect(opens).toEqual(['acme']);
  });

  it('checks the token before loading a tenant', async () => {
    const { src, loads } = source(['acme']);
    const url = await start(src, 'decide:0123456789abcdef0123');
    expect((await post(`${url}/v1/t/acme/decide`)).status).toBe(401);
    expect((await post(`${url}/v1/t/nobody/decide`)).status).toBe(401);
    expect(loads).toEqual([]);
    expect((await post(`${url}/v1/t/acme/decide`, { authorization: 'Bearer 0123456789abcdef0123' })).status).toBe(200);
    // The tenants list is admin.
    expect((await fetch(`${url}/v1/tenants`, { headers: { authorization: 'Bearer 0123456789abcdef0123' } })).status).toBe(403);
  });

  it('a store that cannot be opened is 503 with its code, and is tried again', async () => {
    let attempts = 0;
    const { src } = source(['acme'], {
      acme: async () => {
        if (++attempts === 1) throw new StoreError('hush/store/unreachable', 'cannot reach Redis at 10.0.0.5:6379', '10.0.0.5:6379');
        return { kind: 'sync', store: new MemoryStore(), where: 'memory' };
      },
    });
    const url = await start(src);
    const a = await post(`${url}/v1/t/acme/decide`);
    expect(a.status).toBe(503);
    expect(a.body.error.code).toBe('hush/store/unreachable');
    expect(JSON.stringify(a.body)).not.toContain('10.0.0.5');
    expect((await post(`${url}/v1/t/acme/decide`)).status).toBe(200);
  });

  it('a lost store stops its tenant only; /readyz names it', async () => {
    const f = failing();
    const { src } = source(['acme', 'globex'], { acme: async () => f.opened });
    const url = await start(src);
    expect((await post(`${url}/v1/t/acme/decide`)).status).toBe(200);
    expect((await post(`${url}/v1/t/globex/decide`)).status).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    f.fail(new StoreError('hush/store/lost', 'gone', 'memory'));
    expect((await post(`${url}/v1/t/acme/decide`)).body.error.code).toBe('hush/store/lost');
    f.fail(null);
    // Stopped for good, without touching the store again.
    expect((await post(`${url}/v1/t/acme/decide`)).body.error.code).toBe('hush/store/lost');
    expect((await post(`${url}/v1/t/globex/decide`)).status).toBe(200);
    const r = await fetch(`${url}/readyz`);
    expect(r.status).toBe(503);
    expect(((await r.json()) as any).error).toMatchObject({ code: 'hush/store/lost', message: 'the state store of enterprise acme is not usable' });
  });

  it('the plain routes need the header; explain and policy answer for the tenant', async () => {
    const { src } = source(['acme', 'globex']);
    const url = await start(src);
    expect((await post(`${url}/v1/decide`)).body.error.code).toBe('hush/service/no-tenant');
    const e = await fetch(`${url}/v1/explain?group=g-1&sender=c-9&text=${encodeURIComponent('加微信')}`, { headers: { 'hush-enterprise': 'globex' } });
    expect(((await e.json()) as any).tenant).toBe('globex');
    const p = (await (await fetch(`${url}/v1/t/acme/policy`)).json()) as any;
    expect(p).toMatchObject({ tenant: 'acme', enterprise: 'acme' });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/metrics`)).status).toBe(200);
  });
});
