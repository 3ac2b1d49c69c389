// Whether one link-whitelist pattern covers another: every link the first allows, the second
// allows too. Whitelisting a pattern that a remaining one covers changes no decision, and neither
// does removing one. Patterns are compared in the runtime's own prepared form (runtime/text/links.ts:
// lower-case host, trailing dot dropped, path prefix percent-encoded as URL.pathname writes it).
import type { IrLinkPattern } from '../../runtime/ir.ts';
import { prepareLinkPattern, type LinkMatcher } from '../../runtime/text/links.ts';

export function matcherCovers(outer: LinkMatcher, inner: LinkMatcher): boolean {
  if (outer.scheme !== null && outer.scheme !== inner.scheme) return false;
  if (outer.subdomains) {
    if (inner.host !== outer.host && !inner.host.endsWith(`.${outer.host}`)) return false;
  } else if (inner.host !== outer.host || inner.subdomains) return false;
  return outer.pathPrefix === null || (inner.pathPrefix !== null && inner.pathPrefix.startsWith(outer.pathPrefix));
}

/** The pattern of `among` (other than `p` itself) that covers `p`, if any. */
export function coveringPattern(p: IrLinkPattern, among: readonly IrLinkPattern[]): IrLinkPattern | undefined {
  const inner = prepareLinkPattern(p);
  return among.find((o) => o.pattern !== p.pattern && matcherCovers(prepareLinkPattern(o), inner));
}
