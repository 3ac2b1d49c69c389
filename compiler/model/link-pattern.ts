// Link whitelist patterns: `https://shop.acme.cn/*`, `*.acme.cn`, `acme.cn/menu`. A pattern is
// an optional scheme, a host (a leading `*.` allows the domain and every subdomain of it), and
// an optional path prefix (none, or `/*`, allows every path; `/menu/*` and `/menu` allow paths
// starting with `/menu`). Hosts are compared in lower case and punycode (the WHATWG URL's form).
import type { IrLinkPattern } from '../../runtime/ir.ts';

export type LinkPatternParse = { ok: true; pattern: IrLinkPattern } | { ok: false; message: string };

export function parseLinkPattern(pattern: string): LinkPatternParse {
  let rest = pattern.trim();
  let scheme: string | null = null;
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(rest);
  if (m) {
    scheme = m[1].toLowerCase();
    if (scheme !== 'http' && scheme !== 'https') return { ok: false, message: `link scheme \`${scheme}\` is not http or https` };
    rest = rest.slice(m[0].length);
  }
  const slash = rest.indexOf('/');
  let hostPart = slash === -1 ? rest : rest.slice(0, slash);
  let path = slash === -1 ? '' : rest.slice(slash);
  let subdomains = false;
  if (hostPart.startsWith('*.')) {
    subdomains = true;
    hostPart = hostPart.slice(2);
  }
  if (hostPart === '' || hostPart.includes('*')) {
    return { ok: false, message: `\`${pattern}\` has no valid host: \`*\` may only stand first, as in \`*.acme.cn\`` };
  }
  let host: string;
  try {
    host = new URL(`http://${hostPart}/`).hostname;
  } catch {
    return { ok: false, message: `\`${hostPart}\` is not a valid host name` };
  }
  if (path.endsWith('*')) path = path.slice(0, -1);
  if (path.includes('*')) return { ok: false, message: `\`${pattern}\`: \`*\` may only end a path` };
  const pathPrefix = path === '' || path === '/' ? null : path;
  return { ok: true, pattern: { pattern, scheme, host, subdomains, pathPrefix } };
}
