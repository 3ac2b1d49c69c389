// A Redis Cluster store specification, read strictly:
// `redis+cluster://[user:password@]HOST:PORT[,HOST:PORT…][?prefix=P]` (`rediss+cluster://` for
// TLS). The nodes are where the client starts: any masters or replicas of the cluster, from which
// it learns the rest. A cluster has only database 0, so the URL names none. A bad part is
// `hush/store/bad-option`, naming it.
import { redacted, redisTarget } from './redis-target.ts';
import { StoreError } from './store.ts';

export interface RedisClusterTarget {
  nodes: { host: string; port: number }[];
  username: string | undefined;
  password: string | undefined;
  tls: boolean;
  prefix: string | undefined;
  /** The nodes as `host:port,host:port`, without credentials, for messages. */
  address: string;
}

export const CLUSTER_SCHEMES = ['redis+cluster://', 'rediss+cluster://'] as const;

export function isClusterSpec(spec: string): boolean {
  return CLUSTER_SCHEMES.some((s) => spec.toLowerCase().startsWith(s));
}

/** Reads `spec` or throws `hush/store/bad-option` saying which part is wrong. */
export function redisClusterTarget(spec: string): RedisClusterTarget {
  const bad = (why: string) =>
    new StoreError('hush/store/bad-option', `${why} (a Redis Cluster store is redis+cluster://HOST:PORT[,HOST:PORT…][?prefix=P])`, redacted(spec));
  const m = /^(rediss?)\+cluster:\/\/(?:([^@/?#]*)@)?([^/?#]*)(\/[^?#]*)?(?:\?([^#]*))?$/i.exec(spec);
  if (!m) throw bad(`"${redacted(spec)}" is not a cluster URL`);
  const [, scheme, auth, hostList, path, query] = m;
  if (hostList === '') throw bad('the URL names no node');
  if (path !== undefined && path !== '/') throw bad('a cluster has only database 0: the URL names no database');
  const tls = scheme.toLowerCase() === 'rediss';
  const nodes: { host: string; port: number }[] = [];
  for (const hp of hostList.split(',')) {
    if (hp === '') throw bad('an empty node in the list');
    // Each node is read as a one-server URL would be (host, port range), without database or query.
    let t;
    try {
      t = redisTarget(`redis://${hp}`);
    } catch (e) {
      throw bad(e instanceof StoreError ? e.message.replace(/ \(a Redis store is .*\)$/, '') : `the node "${hp}" is not HOST:PORT`);
    }
    const u = new URL(t.url);
    nodes.push({ host: u.hostname.replace(/^\[(.*)\]$/, '$1'), port: u.port === '' ? 6379 : Number(u.port) });
  }
  let username: string | undefined;
  let password: string | undefined;
  if (auth !== undefined) {
    const i = auth.indexOf(':');
    username = decodeURIComponent(i < 0 ? auth : auth.slice(0, i)) || undefined;
    password = i < 0 ? undefined : decodeURIComponent(auth.slice(i + 1));
  }
  const params = new URLSearchParams(query ?? '');
  for (const k of params.keys()) if (k !== 'prefix') throw bad(`unknown parameter "${k}"`);
  const prefix = params.get('prefix') ?? undefined;
  if (prefix === '') throw bad('the prefix is empty');
  return { nodes, username, password, tls, prefix, address: nodes.map((n) => `${n.host}:${n.port}`).join(',') };
}
