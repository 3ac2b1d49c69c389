// A Redis Stream named by one URL: `redis://[user:password@]HOST[:PORT][/DB]/STREAM` (or
// `rediss://` for TLS). The last path segment is the stream's key, the optional segment before it
// the database number: `redis://127.0.0.1:6379/3/events` is the stream `events` in database 3,
// `redis://127.0.0.1/events` the stream `events` in database 0. Read strictly, before any
// connection: a stream key made of digits only would read as a database and is refused, and so
// are query parameters, fragments, empty segments and more than two segments. Every refusal is
// `hush/worker/bad-stream`, naming the part.
import { WorkerError } from './worker-error.ts';

export interface StreamTarget {
  /** The server's URL for ioredis, with credentials, without database, path or query. */
  url: string;
  db: number;
  /** The stream's key. */
  stream: string;
  /** `host:port`, without credentials, for messages. */
  address: string;
  /** The Redis URL of the same server and database (`redis://…/DB`): the default state store. */
  server: string;
}

export const STREAM_FORM = 'redis://HOST[:PORT][/DB]/STREAM';

/** Reads a stream URL, or throws `hush/worker/bad-stream` saying which part is wrong. */
export function streamTarget(spec: string): StreamTarget {
  const bad = (why: string) => new WorkerError('hush/worker/bad-stream', `${why} (a stream is ${STREAM_FORM})`, redactedUrl(spec));
  // The port as written (URL says only "Invalid URL" for `:99999` or `:abc`).
  const written = /^[a-z]+:\/\/(?:[^@/?#]*@)?(?:\[[^\]]*\]|[^:/?#]*)(?::([^/?#]*))?/i.exec(spec)?.[1];
  if (written !== undefined && written !== '') {
    if (!/^\d+$/.test(written)) throw bad(`the port "${written}" is not a number`);
    if (Number(written) < 1 || Number(written) > 65535) throw bad(`the port ${written} is outside 1…65535`);
  }
  let url: URL;
  try {
    url = new URL(spec);
  } catch {
    throw bad(`"${redactedUrl(spec)}" is not a URL`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw bad(`the scheme must be redis: or rediss:, not ${url.protocol}`);
  if (url.hostname === '') throw bad('the URL names no host');
  if (url.search !== '' || spec.includes('?')) throw bad('a stream URL takes no parameters');
  if (url.hash !== '' || spec.includes('#')) throw bad('a stream URL takes no fragment');
  const segments = url.pathname.split('/').slice(1);
  if (segments.length === 0 || (segments.length === 1 && segments[0] === '')) throw bad('the URL names no stream');
  if (segments.length > 2) throw bad(`the path has ${segments.length} segments; give at most a database and a stream`);
  if (segments.some((s) => s === '')) throw bad('the path has an empty segment');
  let stream: string;
  try {
    stream = decodeURIComponent(segments[segments.length - 1]);
  } catch {
    throw bad('the stream name is not valid percent-encoding');
  }
  if (/^\d+$/.test(stream)) throw bad(`the stream name "${stream}" is all digits, which reads as a database; name the stream`);
  if (stream.length > 512 || /[\u0000-\u001f\u007f]/.test(stream)) throw bad('the stream name is over 512 characters or holds a control character');
  let db = 0;
  if (segments.length === 2) {
    if (!/^\d{1,9}$/.test(segments[0])) throw bad(`the database "${segments[0]}" is not a number`);
    db = Number(segments[0]);
  }
  const port = url.port === '' ? 6379 : Number(url.port);
  url.pathname = '';
  const server = `${url.href.replace(/\/$/, '')}/${db}`;
  return { url: url.href, db, stream, address: `${url.hostname}:${port}`, server };
}

/** `spec` without its password, for messages. */
export function redactedUrl(spec: string): string {
  return spec.replace(/^([a-z]+:\/\/[^:@/]*:)[^@/]*@/i, '$1***@');
}
