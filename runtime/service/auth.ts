// Bearer tokens with two scopes: `decide` (decisions, explanations, the policy's summary,
// metrics) and `admin` (all of that, plus reloads, policy uploads and sanctions). Tokens are
// read from a file or an environment variable (the CLI names which); only their SHA-256 digests
// are kept, and a presented token is compared with every one of them in constant time
// (crypto.timingSafeEqual on equal-length digests, no early exit), so neither a token's content
// nor which token matched shows in the response time. A refusal says nothing but 401 or 403.
import { createHash, timingSafeEqual } from 'node:crypto';

export type Scope = 'decide' | 'admin';
export const SCOPES: readonly Scope[] = ['decide', 'admin'];

/** Tokens shorter than this are refused when read: a short bearer token is guessable. */
export const MIN_TOKEN_LENGTH = 16;

export interface TokenEntry {
  scope: Scope;
  digest: Buffer;
}

export class TokenFileError extends Error {}

const digest = (token: string) => createHash('sha256').update(token, 'utf8').digest();

/**
 * Reads a token list: entries `SCOPE:TOKEN` separated by new lines, commas or white space;
 * `#` starts a comment line. Throws a TokenFileError naming the entry (never the token) when one
 * is malformed, of an unknown scope or too short.
 */
export function parseTokens(text: string, source: string): TokenEntry[] {
  const out: TokenEntry[] = [];
  const entries = text
    .split('\n')
    .filter((l) => !l.trimStart().startsWith('#'))
    .flatMap((l) => l.split(/[\s,]+/))
    .filter((e) => e !== '');
  entries.forEach((e, i) => {
    const colon = e.indexOf(':');
    const scope = colon < 0 ? '' : e.slice(0, colon);
    const token = colon < 0 ? '' : e.slice(colon + 1);
    if (!(SCOPES as readonly string[]).includes(scope)) {
      throw new TokenFileError(`${source}: entry ${i + 1} is not \`decide:TOKEN\` or \`admin:TOKEN\``);
    }
    if (token.length < MIN_TOKEN_LENGTH) throw new TokenFileError(`${source}: the token of entry ${i + 1} is shorter than ${MIN_TOKEN_LENGTH} characters`);
    out.push({ scope: scope as Scope, digest: digest(token) });
  });
  if (out.length === 0) throw new TokenFileError(`${source} holds no token`);
  return out;
}

export type AuthResult = 'ok' | 'unauthorized' | 'forbidden';

export class Authenticator {
  constructor(private readonly tokens: readonly TokenEntry[]) {}

  /** Whether any token is configured; without one, every request is let through. */
  get enabled(): boolean {
    return this.tokens.length > 0;
  }

  /** Checks an `Authorization` header for a scope; `admin` covers `decide`. */
  check(header: string | undefined, need: Scope): AuthResult {
    if (!this.enabled) return 'ok';
    if (header === undefined || header.length < 7 || header.slice(0, 7).toLowerCase() !== 'bearer ') return 'unauthorized';
    const presented = digest(header.slice(7).trim());
    let scope: Scope | null = null;
    for (const t of this.tokens) {
      // Every digest is compared, whatever matched before.
      if (timingSafeEqual(presented, t.digest) && (scope === null || t.scope === 'admin')) scope = t.scope;
    }
    if (scope === null) return 'unauthorized';
    return need === 'admin' && scope !== 'admin' ? 'forbidden' : 'ok';
  }
}
