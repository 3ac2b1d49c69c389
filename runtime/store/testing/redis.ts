// The Redis that tests run against: REDIS_URL, or a server on the loopback's default port. A test
// that needs it calls `requireRedis` first and fails, saying how to start one, when none answers.
import { Redis } from 'ioredis';

export function redisUrl(): string {
  return process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
}

/**
 * The Redis Cluster the cluster tests run on (REDIS_CLUSTER_URL, `redis+cluster://…`), or
 * undefined: those tests are skipped, and say how to start one (`scripts/redis-cluster.sh start`,
 * which `.ci/run` does).
 */
export function redisClusterUrl(): string | undefined {
  const u = process.env.REDIS_CLUSTER_URL;
  if (u === undefined || u === '') {
    if (!warned) {
      warned = true;
      console.warn('REDIS_CLUSTER_URL is not set: the Redis Cluster tests are skipped (start a cluster: scripts/redis-cluster.sh start; bash .ci/run does)');
    }
    return undefined;
  }
  return u;
}
let warned = false;

/** Resolves when the server answers PING; rejects with start-up advice otherwise. */
export async function requireRedis(url: string = redisUrl()): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2000, lazyConnect: true });
  let failure: string | null = null;
  redis.on('error', (e: Error) => {
    failure ??= e.message;
  });
  try {
    await redis.connect();
    if ((await redis.ping()) !== 'PONG') failure = 'no PONG';
  } catch (e) {
    failure ??= (e as Error).message;
  } finally {
    redis.disconnect();
  }
  if (failure !== null) {
    throw new Error(
      `these tests need a Redis server at ${url} (${failure}). Start one with\n` +
        `  redis-server --port 6379 --bind 127.0.0.1 --daemonize yes --save '' --appendonly no\n` +
        `(Debian: apt-get install -y redis-server), or set REDIS_URL; bash .ci/run does both`,
    );
  }
}
