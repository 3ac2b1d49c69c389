// The reload worker of `hush serve` (serve-reload-worker.ts): a reload of a large set is checked
// and compiled off the thread that answers requests, so decisions keep being answered while it
// runs; a worker that crashes, fails or hangs fails that reload only (the old policy keeps
// serving) and a fresh worker serves the next one.
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { compileToModule } from '../compiler/codegen/ir-to-ts.ts';
import { moduleDigest, recordTrusted } from '../compiler/codegen/trusted-modules.ts';
import { irHash, policySetToIr } from '../compiler/lower/policy-set-to-ir.ts';
import { MemoryStore } from '../runtime/index.ts';
import { createService, type Service } from '../runtime/service/index.ts';
import { generatePolicySet } from '../scripts/gen-policy-set.ts';
import { policyLoader } from './commands/serve.ts';
import { ReloadWorker, type ReloadWorkerOptions } from './serve-reload-worker.ts';
import type { EngineChoice } from './load-policy.ts';

const policy = (keyword: string) => `enterprise "acme"
limits "wecom-4.1.36"

rule "ads" {
  owner super-admin "zhang.wei"
  groups "g-1"
  keywords "${keyword}"
  when keyword then remove, warn "no ads"
}
`;
const event = (group: string, text: string) => JSON.stringify({ type: 'message', group, sender: { id: 'c-9', kind: 'customer' }, text, at: '2026-11-23T10:00:00Z' });

const dirs: string[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.splice(0)) await c();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'hush-reload-worker-'));
  dirs.push(d);
  return d;
}

async function serve(dir: string, engine: EngineChoice | undefined, options?: ReloadWorkerOptions): Promise<{ service: Service; url: string }> {
  const worker = new ReloadWorker(options);
  const service = await createService({ loader: policyLoader('.', dir, engine, worker), store: { kind: 'sync', store: new MemoryStore(), where: 'memory' }, defaultMetrics: false });
  cleanups.push(async () => {
    await service.close();
    await worker.close();
  });
  return { service, url: await service.listen('127.0.0.1', 0) };
}

async function decide(url: string, body: string): Promise<{ status: number; revision: string }> {
  const r = await fetch(`${url}/v1/decide`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const j = (await r.json()) as { revision: string };
  return { status: r.status, revision: j.revision };
}

describe('hush serve: reloads in a worker thread', () => {
  it('keeps answering decisions while a large set is checked and compiled', async () => {
    // A fifth of the largest legal set: 200 rules naming 4,000 groups each, 400,000 blacklisted.
    const large = tempDir();
    generatePolicySet({ kind: 'legal', out: large, seed: 1, scale: 0.2 });
    const dir = tempDir();
    writeFileSync(join(dir, 'p.policy'), policy('加微信'));
    const { service, url } = await serve(dir, undefined);
    const first = service.holder.current!.revision;
    rmSync(dir, { recursive: true });
    renameSync(large, dir);

    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    const started = performance.now();
    let reloading = true;
    const reload = service.reload('http').finally(() => (reloading = false));
    const answered: { ms: number; revision: string; during: boolean }[] = [];
    const pending: Promise<void>[] = [];
    while (reloading) {
      const sent = performance.now();
      pending.push(decide(url, event('g-1', 'hello')).then((r) => {
        expect(r.status).toBe(200);
        answered.push({ ms: performance.now() - sent, revision: r.revision, during: reloading });
      }));
      await new Promise((r) => setTimeout(r, 10));
    }
    const outcome = await reload;
    const reloadMs = performance.now() - started;
    delay.disable();
    await Promise.all(pending);

    expect(outcome).toMatchObject({ ok: true, changed: true, previous: first });
    const maxDelayMs = delay.max / 1e6;
    // The reload takes seconds; the thread that answers is never held for more than a fraction of
    // it (only the import of the module runs there). On the main thread, as before the worker,
    // it was held for most of it and answered a handful of decisions.
    expect(reloadMs).toBeGreaterThan(1000);
    expect(maxDelayMs).toBeLessThan(reloadMs / 3);
    // Decisions sent during the reload were answered during it, promptly, on the old revision.
    const during = answered.filter((a) => a.during);
    expect(during.length).toBeGreaterThan(20);
    expect(Math.max(...during.map((a) => a.ms))).toBeLessThan(reloadMs / 3);
    expect(during.every((a) => a.revision === first)).toBe(true);
    expect((await decide(url, event('g-1', 'hello'))).revision).toBe(outcome.ok ? outcome.revision : '');
  }, 180_000);

  it('a worker that crashes, fails or hangs fails that reload only: the old policy keeps serving', async () => {
    // The real worker behind an entry that exits, throws or spins when the policy folder holds a
    // file saying so.
    const fixture = join(tempDir(), 'faulty-worker.mjs');
    writeFileSync(
      fixture,
      `import { parentPort } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
await import(${JSON.stringify(new URL('./serve-reload-worker-boot.mjs', import.meta.url).href)});
// After the worker's own listener: it has begun the load when this one ends it.
parentPort.on('message', (m) => {
  if (existsSync(join(m.cwd, 'EXIT'))) process.exit(7);
  if (existsSync(join(m.cwd, 'THROW'))) throw new Error('boom');
  if (existsSync(join(m.cwd, 'HANG'))) for (;;);
});
`,
    );
    const dir = tempDir();
    writeFileSync(join(dir, 'p.policy'), policy('加微信'));
    const { service, url } = await serve(dir, 'compiled', { entry: pathToFileURL(fixture), timeoutMs: 20_000 });
    const first = service.holder.current!.revision;
    writeFileSync(join(dir, 'p.policy'), policy('代理'));
    for (const [flag, message] of [
      ['EXIT', /the reload worker exited \(code 7\)/],
      ['THROW', /the reload worker failed: boom/],
      ['HANG', /the reload took longer than 20 s/],
    ] as const) {
      writeFileSync(join(dir, flag), '');
      const outcome = await service.reload('http');
      expect(outcome).toMatchObject({ ok: false, revision: first });
      expect(outcome.ok ? '' : outcome.message).toMatch(message);
      expect(service.holder.current!.revision).toBe(first);
      expect(await decide(url, event('g-1', '加微信'))).toEqual({ status: 200, revision: first });
      rmSync(join(dir, flag));
      expect(existsSync(join(dir, flag))).toBe(false);
    }
    // The next reload starts a fresh worker and swaps.
    const outcome = await service.reload('http');
    expect(outcome).toMatchObject({ ok: true, changed: true, previous: first });
    expect((await decide(url, event('g-1', '代理'))).revision).not.toBe(first);
  }, 120_000);

  it('the interpreter engine and a refused set work through the worker', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'p.policy'), policy('加微信'));
    const { service, url } = await serve(dir, 'interpreter');
    expect(service.holder.current!.engineKind).toBe('interpreter');
    const first = service.holder.current!.revision;
    writeFileSync(join(dir, 'p.policy'), policy('加微信').replace('rule "ads" {', 'rule "ads" {\n  bogus'));
    const refused = await service.reload('http');
    expect(refused).toMatchObject({ ok: false, revision: first });
    expect(refused.ok ? [] : refused.diagnostics.length).toBeGreaterThan(0);
    expect(refused.ok ? '' : refused.text).toContain('p.policy');
    expect((await decide(url, event('g-1', '加微信'))).revision).toBe(first);
  }, 60_000);

  it('imports a `.hush/` module only from the bytes the worker verified as recorded for this IR', async () => {
    const previous = process.env.HUSH_CACHE_DIR;
    // Trust records in a cache of this test's own; the worker reads the environment it starts with.
    process.env.HUSH_CACHE_DIR = tempDir();
    try {
      const dir = tempDir();
      writeFileSync(join(dir, 'p.policy'), policy('加微信'));
      const ir = policySetToIr(['.'], { cwd: dir }).ir!;
      // The generated module, marked: importing it on this thread counts.
      const js = `${compileToModule(ir, { data: 'inline' }).js}\nglobalThis.__hushWrittenModule = (globalThis.__hushWrittenModule ?? 0) + 1;\n`;
      mkdirSync(join(dir, '.hush'));
      writeFileSync(join(dir, '.hush', 'policy.mjs'), js);
      const seen = globalThis as { __hushWrittenModule?: number };
      const untrusted = await serve(dir, 'compiled');
      expect(seen.__hushWrittenModule).toBeUndefined();
      recordTrusted(moduleDigest(js, null), irHash(ir));
      const trusted = await serve(dir, 'compiled');
      expect(seen.__hushWrittenModule).toBe(1);
      expect(trusted.service.holder.current!.revision).toBe(untrusted.service.holder.current!.revision);
      expect(await decide(trusted.url, event('g-1', '加微信'))).toEqual({ status: 200, revision: untrusted.service.holder.current!.revision });
    } finally {
      if (previous === undefined) delete process.env.HUSH_CACHE_DIR;
      else process.env.HUSH_CACHE_DIR = previous;
    }
  }, 60_000);
});
