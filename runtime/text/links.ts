// Link whitelists at run time: whether a link a message carries is on a rule's whitelist
// (IrLinkPattern: optional scheme, host with `*.` for subdomains, optional path prefix). Links
// are parsed with the WHATWG URL parser; one that cannot be parsed, or has no host, is never on
// a whitelist. spec/runtime.md gives every choice and its reason.
import type { IrLinkPattern } from '../ir.ts';

/** A pattern prepared for matching: its path prefix in the URL parser's own form. */
export interface LinkMatcher {
  scheme: string | null;
  host: string;
  subdomains: boolean;
  /** The path prefix as `URL.pathname` writes it (percent-encoded); null for any path. */
  pathPrefix: string | null;
}

function stripDot(host: string): string {
  return host.endsWith('.') ? host.slice(0, -1) : host;
}

export function prepareLinkPattern(p: IrLinkPattern): LinkMatcher {
  let pathPrefix: string | null = null;
  if (p.pathPrefix !== null) {
    try {
      const path = new URL(`http://h${p.pathPrefix.startsWith('/') ? '' : '/'}${p.pathPrefix}`).pathname;
      pathPrefix = path === '/' ? null : path;
    } catch {
      pathPrefix = p.pathPrefix;
    }
  }
  return { scheme: p.scheme, host: stripDot(p.host.toLowerCase()), subdomains: p.subdomains, pathPrefix };
}

/** A link as the whitelist sees it: scheme, host and path; null when it cannot be parsed. */
export interface ParsedLink {
  scheme: string;
  host: string;
  path: string;
}

// A scheme is letters, digits, `+ . -` then `:` not followed by a digit (`acme.cn:8080/x` is a
// host and a port, not a scheme).
const HAS_SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:(?!\d)/;

/**
 * Parses a link. A link without a scheme (`shop.acme.cn/x`) is read as `http://` + the link,
 * as a browser reads a bare address.
 */
export function parseLink(link: string): ParsedLink | null {
  const s = link.trim();
  if (s === '') return null;
  let u: URL;
  try {
    u = new URL(HAS_SCHEME.test(s) ? s : `http://${s}`);
  } catch {
    return null;
  }
  const host = stripDot(u.hostname.toLowerCase());
  if (host === '') return null;
  return { scheme: u.protocol.slice(0, -1).toLowerCase(), host, path: u.pathname };
}

export function linkMatches(l: ParsedLink, p: LinkMatcher): boolean {
  if (p.scheme !== null && p.scheme !== l.scheme) return false;
  if (l.host !== p.host && !(p.subdomains && l.host.endsWith(`.${p.host}`))) return false;
  return p.pathPrefix === null || l.path.startsWith(p.pathPrefix);
}

/** True when the link is on the whitelist. */
export function isLinkAllowed(link: string, whitelist: readonly LinkMatcher[]): boolean {
  const l = parseLink(link);
  if (!l) return false;
  for (const p of whitelist) if (linkMatches(l, p)) return true;
  return false;
}
