// `hush serve` as a user runs it (node bin/hush.js, a child process): JSON log lines on stderr,
// SIGTERM during requests (in-flight ones finish, exit 0, no stack trace), a second signal
// exiting at once, SIGHUP and a watched folder reloading (a broken set refused), a policy upload,
// bearer tokens from the environment, TLS, and the refusals at start (a broken set: exit 1; no
// token on a non-loopback address: exit 2).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { irFromText } from '../../spec/testing/ir-from-text.ts';
import { limitsUsage, parseListen } from './serve.ts';

const HUSH = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/hush.js');
const policy = (keyword: string) => `enterprise "acme"
limits "wecom-4.1.36"

rule "ads" {
  owner super-admin "zhang.wei"
  groups "g-1"
  keywords "${keyword}"
  when keyword then remove, warn "no ads"
}
`;
const msg = (text: string) => JSON.stringify({ type: 'message', group: 'g-1', sender: { id: 'c-9', kind: 'customer' }, text, at: '2026-11-23T10:00:00Z' });
const STACK = /^\s+at .+\(.+:\d+:\d+\)|^\s+at (node:|file:)/m;
const DECIDE = 'decide-token-0123456789';
const ADMIN = 'admin-token-0123456789ab';

const dirs: string[] = [];
function policyDir(keyword = '加微信'): string {
  const d = mkdtempSync(join(tmpdir(), 'hush-serve-'));
  dirs.push(d);
  writeFileSync(join(d, 'p.policy'), policy(keyword));
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

class Server {
  readonly child: ChildProcess;
  err = '';
  url = '';
  readonly exited: Promise<number>;
  constructor(args: string[], cwd: string, env: Record<string, string> = {}) {
    this.child = spawn(process.execPath, [HUSH, 'serve', ...args], { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stderr!.on('data', (b: Buffer) => (this.err += b));
    this.exited = new Promise((done) => this.child.on('close', (code, signal) => done(code ?? (signal ? 128 : -1))));
  }
  /** Resolves with the URL once the server logs that it listens. */
  async listening(): Promise<string> {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const m = /"event":"listening","url":"([^"]+)"/.exec(this.err);
      if (m) return (this.url = m[1]);
      if (this.child.exitCode !== null) throw new Error(`hush serve exited: ${this.err}`);
      await new Promise((done) => setTimeout(done, 50));
    }
    throw new Error(`hush serve did not listen: ${this.err}`);
  }
  logLines(): Record<string, unknown>[] {
    return this.err
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }
  async waitLog(pred: (l: Record<string, unknown>) => boolean, ms = 15_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      const hit = this.logLines().find(pred);
      if (hit) return hit;
      await new Promise((done) => setTimeout(done, 50));
    }
    throw new Error(`no such log line; log: ${this.err}`);
  }
}

const auth = (t: string) => ({ authorization: `Bearer ${t}` });

/** A POST whose body is sent in two parts, the second after `delayMs`: in flight that long. */
function slowPost(url: string, body: string, delayMs: number, headers: Record<string, string> = {}): { sent: Promise<void>; answer: Promise<{ status: number; body: string }> } {
  const u = new URL(url);
  let sent!: () => void;
  const sentP = new Promise<void>((r) => (sent = r));
  const answer = new Promise<{ status: number; body: string }>((done, fail) => {
    const req = httpRequest({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', agent: false, headers: { 'content-length': Buffer.byteLength(body), ...headers } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => done({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', fail);
    req.write(body.slice(0, 5), () => sent());
    if (delayMs >= 0) setTimeout(() => req.end(body.slice(5)), delayMs);
  });
  return { sent: sentP, answer };
}

describe('hush serve', () => {
  it('serves with tokens, reloads on SIGHUP and on upload, refuses a broken set, and stops on SIGTERM letting in-flight requests finish', async () => {
    const dir = policyDir();
    const s = new Server(['.', '--listen', '127.0.0.1:0', '--engine', 'interpreter', '--tokens-env', 'HUSH_TOKENS'], dir, { HUSH_TOKENS: `decide:${DECIDE},admin:${ADMIN}` });
    const url = await s.listening();
    // The embedded default store: .hush/state.db under the working folder.
    expect(existsSync(join(dir, '.hush', 'state.db'))).toBe(true);
    expect((await fetch(`${url}/v1/decide`, { method: 'POST', body: msg('加微信') })).status).toBe(401);
    const first = (await (await fetch(`${url}/v1/decide`, { method: 'POST', body: msg('加微信'), headers: auth(DECIDE) })).json()) as { allowed: boolean; revision: string };
    expect(first.allowed).toBe(false);

    // SIGHUP with a broken set: refused, logged, the old revision serves.
    writeFileSync(join(dir, 'p.policy'), 'rule "ads" {\n  when keyword then explode\n}\n');
    s.child.kill('SIGHUP');
    const refused = await s.waitLog((l) => l.event === 'reload' && l.trigger === 'signal');
    expect(refused.level).toBe(40);
    expect((refused.diagnostics as unknown[]).length).toBeGreaterThan(0);
    const still = (await (await fetch(`${url}/v1/policy`, { headers: auth(DECIDE) })).json()) as { revision: string };
    expect(still.revision).toBe(first.revision);
    // SIGHUP with a good set: swapped.
    writeFileSync(join(dir, 'p.policy'), policy('代购'));
    s.child.kill('SIGHUP');
    await s.waitLog((l) => l.event === 'reload' && l.trigger === 'signal' && l.changed === true);
    const second = (await (await fetch(`${url}/v1/decide`, { method: 'POST', body: msg('代购'), headers: auth(DECIDE) })).json()) as { allowed: boolean; revision: string };
    expect(second.allowed).toBe(false);
    expect(second.revision).not.toBe(first.revision);

    // Upload: admin only; a broken upload is refused with its diagnostics.
    const put = (files: Record<string, string>, token: string) => fetch(`${url}/v1/admin/policy`, { method: 'PUT', body: JSON.stringify({ files }), headers: auth(token) });
    expect((await put({ 'p.policy': policy('x') }, DECIDE)).status).toBe(403);
    const bad = await put({ 'p.policy': 'rule {' }, ADMIN);
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { diagnostics: { code: string }[] }).diagnostics[0].code).toMatch(/^hush\//);
    expect((await put({ '../p.policy': policy('x') }, ADMIN)).status).toBe(400);
    const up = await put({ 'p.policy': policy('优惠券') }, ADMIN);
    expect(up.status).toBe(200);
    const third = (await (await fetch(`${url}/v1/decide`, { method: 'POST', body: msg('优惠券'), headers: auth(DECIDE) })).json()) as { allowed: boolean };
    expect(third.allowed).toBe(false);

    // SIGTERM while one request is in flight and others are sent: it finishes, exit 0.
    const slow = slowPost(`${url}/v1/decide/batch`, `[${msg('a')},${msg('优惠券')}]`, 800, auth(DECIDE));
    await slow.sent;
    await new Promise((done) => setTimeout(done, 200));
    s.child.kill('SIGTERM');
    const r = await slow.answer;
    expect(r.status).toBe(200);
    expect((JSON.parse(r.body) as unknown[]).length).toBe(2);
    expect(await s.exited).toBe(0);
    expect(s.err).not.toMatch(STACK);
    expect(s.logLines().map((l) => l.event)).toEqual(expect.arrayContaining(['signal', 'shutdown', 'stopped']));
    // Every line of the log is a JSON object.
    expect(s.err.split('\n').filter((l) => l !== '' && !l.startsWith('{'))).toEqual([]);
  });

  it('reloads when a file of the watched folder changes, serves TLS, and exits at once on a second signal', async () => {
    const dir = policyDir();
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    const ssl = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
    expect(ssl.status).toBe(0);
    const s = new Server(['.', '--listen', '127.0.0.1:0', '--engine', 'interpreter', '--store', 'memory', '--watch', '--tls-cert', 'cert.pem', '--tls-key', 'key.pem'], dir);
    const url = await s.listening();
    expect(url).toMatch(/^https:/);
    const ca = readFileSync(cert);
    const tlsGet = (path: string) =>
      new Promise<{ status: number; body: string }>((done, fail) => {
        const u = new URL(url + path);
        const req = httpsRequest({ host: u.hostname, port: u.port, path: u.pathname, ca, servername: undefined, checkServerIdentity: () => undefined }, (res) => {
          let t = '';
          res.on('data', (c) => (t += c));
          res.on('end', () => done({ status: res.statusCode ?? 0, body: t }));
        });
        req.on('error', fail);
        req.end();
      });
    const before = JSON.parse((await tlsGet('/v1/policy')).body) as { revision: string };
    writeFileSync(join(dir, 'p.policy'), policy('代购'));
    await s.waitLog((l) => l.event === 'reload' && l.trigger === 'watch' && l.changed === true);
    const after = JSON.parse((await tlsGet('/v1/policy')).body) as { revision: string };
    expect(after.revision).not.toBe(before.revision);

    // A request that never completes holds the graceful stop; a second signal exits at once.
    const hold = httpsRequest({ host: '127.0.0.1', port: new URL(url).port, path: '/v1/decide', method: 'POST', ca, checkServerIdentity: () => undefined, headers: { 'content-length': 1000 } });
    hold.on('error', () => undefined);
    hold.write('{"type"');
    await new Promise((done) => setTimeout(done, 300));
    s.child.kill('SIGTERM');
    await s.waitLog((l) => l.event === 'shutdown');
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(1);
    expect(s.err).not.toMatch(STACK);
    hold.destroy();
  });

  it('refuses to start with a broken set (exit 1) or without tokens on a non-loopback address (exit 2)', async () => {
    const broken = policyDir();
    writeFileSync(join(broken, 'p.policy'), 'rule "ads" {\n  when keyword then explode\n}\n');
    const b = new Server(['.', '--listen', '127.0.0.1:0', '--store', 'memory', '--engine', 'interpreter'], broken);
    const open = new Server([policyDir(), '--listen', '0.0.0.0:0', '--store', 'memory', '--engine', 'interpreter'], tmpdir());
    expect(await b.exited).toBe(1);
    expect(b.err).toContain('hush/');
    expect(b.err).toContain('the policy set has errors');
    expect(await open.exited).toBe(2);
    expect(open.err).toContain('--insecure');
    expect(open.err).not.toMatch(STACK);
  });
});

describe('hush serve options', () => {
  it('reads --listen', () => {
    expect(parseListen('127.0.0.1:8080')).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(parseListen('[::1]:0')).toEqual({ host: '::1', port: 0 });
    expect(parseListen(':9000')).toEqual({ host: '127.0.0.1', port: 9000 });
    expect(() => parseListen('localhost')).toThrow(/HOST:PORT/);
    expect(() => parseListen('a:70000')).toThrow(/HOST:PORT/);
  });

  it('reports the largest use of each limit the set uses', async () => {
    const ir = irFromText(policy('加微信').replace('keywords "加微信"', 'keywords "a", "b", "c"'));
    const usage = await limitsUsage(ir);
    expect(usage.find((u) => u.limit === 'keywords-per-rule')).toEqual({ limit: 'keywords-per-rule', max: 100, used: 3, subject: 'keywords in rule "ads"' });
    expect(usage.find((u) => u.limit === 'rules-per-super-admins')).toMatchObject({ used: 1, max: 1000 });
  });
});
