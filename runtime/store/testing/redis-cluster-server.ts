// A private Redis Cluster for fault tests: three masters (no replicas) on free loopback ports,
// each a child redis-server in a folder of its own, joined with `redis-cli --cluster create`.
// Unlike the shared cluster of scripts/redis-cluster.sh (127.0.0.1:7000-7002), a test may kill
// and restart its nodes. With `persistent`, every node keeps its data in an append-only file
// fsynced on every write (`appendonly yes`, `appendfsync always`), so a node killed with SIGKILL
// comes back with everything it acknowledged; `restart(port, { empty: true })` deletes that file
// first, as a node without persistence comes back. A node keeps its cluster configuration
// (nodes.conf, its id and its slots) across restarts either way. Needs `redis-server` and
// `redis-cli` on the PATH (`redisClusterMissing` says why not, for a skip).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { slotOf } from '../redis-keys.ts';

/** Why a private cluster cannot be started here, or null when it can. */
export function redisClusterMissing(): string | null {
  for (const tool of ['redis-server', 'redis-cli']) {
    const r = spawnSync(tool, ['--version'], { stdio: 'ignore' });
    if (r.error || r.status !== 0) return `${tool} is not on the PATH (Debian: apt-get install -y redis-server)`;
  }
  return null;
}

async function isFree(port: number): Promise<boolean> {
  const srv = createServer();
  return new Promise((done) => {
    srv.once('error', () => done(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => done(true)));
  });
}

/** Three ports whose cluster bus ports (port + 10000) are free too. */
async function freePorts(): Promise<number[]> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    const ports = [base, base + 1, base + 2];
    let ok = true;
    for (const p of ports) ok = ok && (await isFree(p)) && (await isFree(p + 10_000));
    if (ok) return ports;
  }
  throw new Error('no three free loopback ports for a private Redis Cluster');
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

async function ask(port: number, ...args: string[]): Promise<unknown> {
  const r = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 500 });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return await r.call(args[0], ...args.slice(1));
  } finally {
    r.disconnect();
  }
}

export class RedisClusterServer {
  private readonly children = new Map<number, ChildProcess>();

  private constructor(
    readonly ports: number[],
    private readonly dir: string,
    private readonly persistent: boolean,
  ) {}

  /** Starts the nodes, joins them and resolves once every node says `cluster_state:ok`. */
  static async start(options: { persistent: boolean }): Promise<RedisClusterServer> {
    const c = new RedisClusterServer(await freePorts(), mkdtempSync(join(tmpdir(), 'hush-cluster-')), options.persistent);
    try {
      await Promise.all(c.ports.map((p) => c.up(p)));
      const created = spawnSync('redis-cli', ['--cluster', 'create', ...c.ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], { encoding: 'utf8', timeout: 30_000 });
      if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
      await c.healthy();
    } catch (e) {
      await c.stop();
      throw e;
    }
    return c;
  }

  get url(): string {
    return `redis+cluster://${this.ports.map((p) => `127.0.0.1:${p}`).join(',')}`;
  }

  /** The port of the master that owns `key`'s hash slot. */
  async masterOf(key: string): Promise<number> {
    const slot = slotOf(key);
    const ranges = (await ask(this.ports[0], 'CLUSTER', 'SLOTS')) as [number, number, [string, number, ...unknown[]]][];
    const range = ranges.find(([from, to]) => slot >= from && slot <= to);
    if (!range) throw new Error(`no master owns slot ${slot}`);
    return range[2][1];
  }

  /** Starts node `port` (again, with its folder as it was) and resolves once it answers PING. */
  private async up(port: number): Promise<void> {
    const dir = join(this.dir, String(port));
    mkdirSync(dir, { recursive: true });
    const persistence = this.persistent ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
    const child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', ...persistence, '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '5000'],
      { stdio: 'ignore' },
    );
    this.children.set(port, child);
    const failed = new Promise<never>((_, reject) => child.once('error', (e) => reject(new Error(`cannot start redis-server (${e.message})`))));
    failed.catch(() => undefined);
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        if ((await Promise.race([ask(port, 'PING'), failed])) === 'PONG') return;
      } catch (e) {
        if ((e as Error).message.startsWith('cannot start')) throw e;
      }
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the cluster node on 127.0.0.1:${port} did not start (see ${dir})`);
      await sleep(50);
    }
  }

  /** Resolves once every node reports `cluster_state:ok`. */
  async healthy(ms = 20_000): Promise<void> {
    const deadline = Date.now() + ms;
    for (;;) {
      const states = await Promise.all(this.ports.map((p) => ask(p, 'CLUSTER', 'INFO').catch(() => '')));
      if (states.every((s) => /^cluster_state:ok/m.test(String(s)))) return;
      if (Date.now() > deadline) throw new Error(`the private cluster did not reach cluster_state:ok: ${states.map(String).join(' | ')}`);
      await sleep(100);
    }
  }

  /** Kills node `port` at once (SIGKILL): no shutdown, no last save. */
  async kill(port: number): Promise<void> {
    const child = this.children.get(port);
    this.children.delete(port);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    child.kill('SIGKILL');
    await exited;
  }

  /**
   * Starts killed node `port` again on the same port and folder, and waits for the cluster to be
   * healthy. `empty`: its append-only file is deleted first, so it comes back without its data,
   * still owning its slots (as a master without persistence or replica restarts).
   */
  async restart(port: number, options: { empty?: boolean } = {}): Promise<void> {
    if (options.empty) rmSync(join(this.dir, String(port), 'appendonlydir'), { recursive: true, force: true });
    await this.up(port);
    await this.healthy();
  }

  /** Kills every node and deletes their folders. */
  async stop(): Promise<void> {
    await Promise.all([...this.children.keys()].map((p) => this.kill(p)));
    rmSync(this.dir, { recursive: true, force: true });
  }
}
