// `hush serve --decision-log` as a user runs it (node bin/hush.js, a child process): with the
// durable log, SIGKILL right after answers (and during requests) loses nothing that was
// answered: every decision id received is in the log exactly once and its state is in the SQLite
// store; SIGTERM during a batch finishes the batch and flushes a buffered log (here on stdout,
// which then carries nothing else); a log path that is a symlink is refused at start (exit 2).
import { spawn, type ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const HUSH = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/hush.js');
const POLICY = `enterprise "acme"
limits "wecom-4.1.36"

rule "ads" {
  owner super-admin "zhang.wei"
  groups "g-1"
  keywords "加微信"
  when keyword then remove, warn "no ads"
}

ladder "abuse" {
  counts harassment
  step 1: suspend interop for 1h
  step 2: suspend interop for 24h
}
`;
const msg = (text: string) => JSON.stringify({ type: 'message', group: 'g-1', sender: { id: 'c-9', kind: 'customer' }, text });
const violation = (subject: string) => JSON.stringify({ type: 'violation', id: `v-${subject}`, subject, category: 'harassment' });

const dirs: string[] = [];
function policyDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'hush-serve-dlog-'));
  dirs.push(d);
  writeFileSync(join(d, 'p.policy'), POLICY);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

class Server {
  readonly child: ChildProcess;
  err = '';
  out = '';
  readonly exited: Promise<number>;
  constructor(args: string[], cwd: string) {
    this.child = spawn(process.execPath, [HUSH, 'serve', ...args], { cwd, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stderr!.on('data', (b: Buffer) => (this.err += b));
    this.child.stdout!.on('data', (b: Buffer) => (this.out += b));
    this.exited = new Promise((done) => this.child.on('close', (code, signal) => done(code ?? (signal === 'SIGKILL' ? 137 : 128))));
  }
  async listening(): Promise<string> {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const m = /"event":"listening","url":"([^"]+)"/.exec(this.err);
      if (m) return m[1];
      if (this.child.exitCode !== null) throw new Error(`hush serve exited: ${this.err}`);
      await new Promise((done) => setTimeout(done, 50));
    }
    throw new Error(`hush serve did not listen: ${this.err}`);
  }
}

function hush(args: string[], cwd: string): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [HUSH, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) => {
      done({ status: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

const idsIn = (text: string) =>
  text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => (JSON.parse(l) as { decision_id: string }).decision_id);

describe('hush serve --decision-log', () => {
  it('durable: after SIGKILL, every decision answered is in the log exactly once and its state is in the store', async () => {
    const dir = policyDir();
    const s = new Server(['.', '--listen', '127.0.0.1:0', '--engine', 'interpreter', '--store', 'sqlite:state.db', '--decision-log', 'decisions.log'], dir);
    const url = await s.listening();
    const received: { id: string; subject?: string }[] = [];
    const decide = async (body: string, subject?: string) => {
      const r = await fetch(`${url}/v1/decide`, { method: 'POST', body });
      if (r.status === 200) received.push({ id: ((await r.json()) as { decision_id: string }).decision_id, subject });
      return r.status;
    };
    // Concurrent decisions (group commit) and a batch, all answered.
    const statuses = await Promise.all([...Array.from({ length: 30 }, (_, k) => decide(violation(`a-${k}`), `a-${k}`)), ...Array.from({ length: 10 }, (_, k) => decide(msg(k % 2 ? '加微信' : 'hi')))]);
    expect(statuses.every((x) => x === 200)).toBe(true);
    const batch = (await (await fetch(`${url}/v1/decide/batch`, { method: 'POST', body: Array.from({ length: 20 }, (_, k) => violation(`b-${k}`)).join('\n') })).json()) as { decision_id: string }[];
    batch.forEach((d, k) => received.push({ id: d.decision_id, subject: `b-${k}` }));
    // More requests in flight when the process is killed: those answered before it count too.
    const inFlight = Array.from({ length: 40 }, (_, k) => decide(violation(`c-${k}`), `c-${k}`).catch(() => 0));
    while (!received.some((r) => r.subject?.startsWith('c-'))) await new Promise((done) => setTimeout(done, 1));
    s.child.kill('SIGKILL');
    await s.exited;
    await Promise.all(inFlight);

    const logged = idsIn(readFileSync(join(dir, 'decisions.log'), 'utf8'));
    expect(received.length).toBeGreaterThanOrEqual(61);
    for (const r of received) expect(logged.filter((id) => id === r.id)).toHaveLength(1);
    expect(new Set(logged).size).toBe(logged.length);
    // Each answered violation's strike and sanction are in the SQLite file.
    const subjects = received.filter((r) => r.subject).map((r) => r.subject!);
    const listed = await hush(['sanctions', ...subjects, '--store', 'sqlite:state.db', '--format', 'json'], dir);
    expect(listed.status).toBe(0);
    const bySubject = (JSON.parse(listed.stdout) as { sanctions: Record<string, { step: number }[]> }).sanctions;
    for (const sub of subjects) expect(bySubject[sub]?.[0]?.step, sub).toBe(1);
  });

  it('buffered on stdout: SIGTERM during a batch finishes it and flushes its lines; stdout carries only decision lines', async () => {
    const dir = policyDir();
    const s = new Server(['.', '--listen', '127.0.0.1:0', '--engine', 'interpreter', '--store', 'memory', '--decision-log', '-', '--decision-log-mask', 'text'], dir);
    const url = await s.listening();
    const body = `[${Array.from({ length: 50 }, (_, k) => msg(k % 2 ? '加微信' : `secret ${k}`)).join(',')}]`;
    const u = new URL(url);
    let sent!: () => void;
    const wasSent = new Promise<void>((r) => (sent = r));
    const answer = new Promise<{ status: number; body: string }>((done, fail) => {
      const req = httpRequest({ host: u.hostname, port: u.port, path: '/v1/decide/batch', method: 'POST', agent: false, headers: { 'content-length': Buffer.byteLength(body) } }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => done({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', fail);
      req.write(body.slice(0, 5), () => sent());
      setTimeout(() => req.end(body.slice(5)), 600);
    });
    await wasSent;
    await new Promise((done) => setTimeout(done, 150));
    s.child.kill('SIGTERM');
    const r = await answer;
    expect(r.status).toBe(200);
    const decided = JSON.parse(r.body) as { decision_id: string }[];
    expect(decided).toHaveLength(50);
    expect(await s.exited).toBe(0);
    const outLines = s.out.split('\n').filter((l) => l !== '');
    expect(outLines.every((l) => l.startsWith('{"decision_id":'))).toBe(true);
    expect(idsIn(s.out)).toEqual(decided.map((d) => d.decision_id));
    expect(s.out).not.toContain('secret');
    expect(s.err).toContain('"event":"stopped"');
  });

  it('refuses a decision log that is a symlink (exit 2, hush/service/log-unusable)', async () => {
    const dir = policyDir();
    writeFileSync(join(dir, 'real.log'), '');
    symlinkSync(join(dir, 'real.log'), join(dir, 'link.log'));
    const s = new Server(['.', '--listen', '127.0.0.1:0', '--engine', 'interpreter', '--store', 'memory', '--decision-log', 'link.log'], dir);
    expect(await s.exited).toBe(2);
    expect(s.err).toContain('hush/service/log-unusable');
    const q = new Server(['.', '--listen', '127.0.0.1:0', '--store', 'memory', '--decision-log-queue', '5'], dir);
    expect(await q.exited).toBe(2);
    expect(q.err).toContain('--decision-log');
  });
});
