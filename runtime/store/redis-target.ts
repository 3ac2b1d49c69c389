// A Redis store specification, read strictly: `redis://[user:password@]HOST[:PORT][/DB][?prefix=P]`
// (or `rediss://` for TLS). ioredis reads the same URL leniently — `/abc` becomes `SELECT NaN`, an
// uncaught reply error; `:99999` a connection that can never open — so every part is checked here
// first and a bad one is `hush/store/bad-option`, naming the part. Whether the server has database
// DB is only known once connected: the store selects it itself and says so when it does not.
import { StoreError } from './store.ts';

export interface RedisTarget {
  /** The URL handed to ioredis, without the database and the query. */
  url: string;
  /** The database number (0 unless the URL names one). */
  db: number;
  /** The key prefix (`?prefix=`), or undefined for the store's default. */
  prefix: string | undefined;
  /** `host:port`, without credentials, for messages. */
  address: string;
}

const KNOWN_PARAMS = new Set(['prefix']);

/** Reads `spec` or throws `hush/store/bad-option` saying which part is wrong. */
export function redisTarget(spec: string): RedisTarget {
  const bad = (why: string) => new StoreError('hush/store/bad-option', `${why} (a Redis store is redis://HOST[:PORT][/DB][?prefix=P])`, redacted(spec));
  // The port as written (URL would only say "Invalid URL" for `:99999` or `:abc`).
  const written = /^[a-z]+:\/\/(?:[^@/?#]*@)?(?:\[[^\]]*\]|[^:/?#]*)(?::([^/?#]*))?/i.exec(spec)?.[1];
  if (written !== undefined && written !== '') {
    if (!/^\d+$/.test(written)) throw bad(`the port "${written}" is not a number`);
    if (Number(written) < 1 || Number(written) > 65535) throw bad(`the port ${written} is outside 1…65535`);
  }
  let url: URL;
  try {
    url = new URL(spec);
  } catch {
    throw bad(`"${redacted(spec)}" is not a URL`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw bad(`the scheme must be redis: or rediss:, not ${url.protocol}`);
  if (url.hostname === '') throw bad('the URL names no host');
  const port = url.port === '' ? 6379 : Number(url.port);
  if (port < 1) throw bad(`the port ${port} is outside 1…65535`);
  const path = url.pathname;
  let db = 0;
  if (path !== '' && path !== '/') {
    const m = /^\/(\d{1,9})$/.exec(path);
    if (!m) throw bad(`the database "${decodeURIComponent(path.slice(1))}" is not a number`);
    db = Number(m[1]);
  }
  for (const k of url.searchParams.keys()) if (!KNOWN_PARAMS.has(k)) throw bad(`unknown parameter "${k}"`);
  const prefix = url.searchParams.get('prefix') ?? undefined;
  if (prefix === '') throw bad('the prefix is empty');
  url.search = '';
  url.pathname = '';
  return { url: url.href, db, prefix, address: `${url.hostname}:${port}` };
}

/** `spec` without its password, for messages. */
export function redacted(spec: string): string {
  return spec.replace(/^([a-z]+:\/\/[^:@/]*:)[^@/]*@/i, '$1***@');
}
