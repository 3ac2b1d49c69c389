// A private redis-server for fault tests: started on a free loopback port without persistence,
// so a restart comes back empty, and killed, paused or restarted at will. Needs `redis-server` on
// the PATH (Debian: apt-get install -y redis-server; bash .ci/run installs it).
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import { Redis } from 'ioredis';

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((done) => srv.listen(0, '127.0.0.1', done));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((done) => srv.close(() => done()));
  return port;
}

export class RedisServer {
  private child: ChildProcess | null = null;
  private constructor(readonly port: number) {}

  static async start(): Promise<RedisServer> {
    const s = new RedisServer(await freePort());
    await s.up();
    return s;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts the server (empty) and resolves once it answers PING. */
  async up(): Promise<void> {
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    this.child = child;
    const failed = new Promise<never>((_, reject) => child.once('error', (e) => reject(new Error(`cannot start redis-server (${e.message}); install it: apt-get install -y redis-server`))));
    const deadline = Date.now() + 10_000;
    for (;;) {
      const r = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 500 });
      r.on('error', () => undefined);
      try {
        await Promise.race([r.connect().then(() => r.ping()), failed]);
        return;
      } catch (e) {
        if (Date.now() > deadline || (e as Error).message.startsWith('cannot start')) throw e;
        await new Promise((done) => setTimeout(done, 50));
      } finally {
        r.disconnect();
      }
    }
  }

  /** Kills the server at once (SIGKILL): its state is gone. */
  async down(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    child.kill('SIGKILL');
    await exited;
  }

  /** A restart without its data, as a server without persistence comes back. */
  async restartEmpty(): Promise<void> {
    await this.down();
    await this.up();
  }

  /** Makes the server stall (CLIENT PAUSE) for `ms`: connections stay open, nothing answers. */
  async stall(ms: number): Promise<void> {
    const r = new Redis(this.url, { maxRetriesPerRequest: 0 });
    try {
      await r.call('CLIENT', 'PAUSE', String(ms), 'ALL');
    } finally {
      r.disconnect();
    }
  }
}

/** A TCP server that accepts connections and never answers; `close` drops every connection. */
export async function silentServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const srv = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
  });
  await new Promise<void>((done) => srv.listen(0, '127.0.0.1', done));
  const port = (srv.address() as { port: number }).port;
  return {
    url: `redis://127.0.0.1:${port}`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((done) => srv.close(() => done()));
    },
  };
}
