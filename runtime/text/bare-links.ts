// Web addresses written without a scheme in a message's text, the way chat users write them:
// `www.evil.cn/abc`, `evil.cn/abc`, `t.cn/A6x`, `evil。cn` (a full-width dot inside the host).
// spec/runtime.md §5 ("Links") says what is and is not recognised, and why.
//
// A candidate is a run of host labels (ASCII or full-width letters, digits, `-`) joined by dots
// (`.`, `。`, `．`, `｡`), then an optional port and an optional path. It is a link when its host,
// read as the URL parser reads it (NFKC, lower case, full-width dots as dots), is
//   - a known short-link host (SHORT_LINK_HOSTS), or
//   - `www.` followed by a name ending in a letter label, or
//   - a registrable domain under a public suffix of the ICANN section of the Public Suffix List
//     (tldts), unless its top-level label is also a common file extension (FILE_EXTENSION_TLDS:
//     `readme.md`, `setup.py`) and no path follows it.
// Never a link: a candidate right after a letter, digit, `_`, `@` (an e-mail address), a dot
// other than `。` (which ends Chinese sentences), `/`, `\` or `:`; numbers and versions (`1.5`, `v1.2.3`: no public suffix); abbreviations (`e.g.`, `U.S.`);
// file names with an extension that is no top-level domain (`例如.txt`, `index.html`); IP
// addresses; hosts in other scripts (`例子.中国`).
import { parse } from 'tldts';

/** A web address found in a text, as written, with its UTF-16 span. */
export interface BareLink {
  link: string;
  start: number;
  end: number;
}

/**
 * Short-link services common in Chinese chat (and the best-known international ones), read as
 * links whatever the rules for bare domains say. Curated: each is a public link shortener.
 */
export const SHORT_LINK_HOSTS: readonly string[] = [
  't.cn', 'dwz.cn', 'url.cn', 'w.url.cn', 'suo.im', 'sina.lt', 'u.nu', 'mrw.so', 'kks.me', 'rrd.me', 'tb.cn', 'm.tb.cn',
  'c.tb.cn', 'u.jd.com', '3.cn', 'dwz.date', 'bit.ly', 'tinyurl.com', 't.co', 'goo.gl', 'is.gd', 'ow.ly', 'cutt.ly', 'rb.gy',
];
const SHORT = new Set(SHORT_LINK_HOSTS);

/**
 * Top-level domains that are also common file extensions: `name.md` without a path is a file
 * name far more often than an address in chat. With a path (`evil.md/x`) or `www.` it is a link.
 */
export const FILE_EXTENSION_TLDS: readonly string[] = ['md', 'sh', 'py', 'pl', 'pm', 'rs', 'ps', 'cf', 'zip', 'mov', 'so', 'ai', 'cs', 'rar'];
const FILE_EXT = new Set(FILE_EXTENSION_TLDS);

/** Abbreviations written before a name or number with a dot and no space (`Mr.Li`, `Dr.Wang`). */
export const ABBREVIATIONS_BEFORE_NAMES: readonly string[] = ['mr', 'mrs', 'ms', 'dr', 'prof', 'st', 'no', 'vs', 'fig', 'vol', 'jr', 'sr', 'mt'];
const ABBREVIATIONS = new Set(ABBREVIATIONS_BEFORE_NAMES);

// Host characters: ASCII and full-width letters and digits, and `-`.
const L = 'A-Za-z0-9\\-\\uFF10-\\uFF19\\uFF21-\\uFF3A\\uFF41-\\uFF5A';
// A dot inside a host: `.`, the ideographic full stop `。`, the full-width `．`, the half-width `｡`
// (the URL parser reads all four as a dot).
const DOT = '[.\\u3002\\uFF0E\\uFF61]';
// URL characters of a path, query or fragment (RFC 3986), as for `http://` addresses.
const URL_CHARS = "A-Za-z0-9\\-._~:/?#[\\]@!$&'()*+,;=%";
const BARE = new RegExp(`(?<![${L}@./\\\\:_\\uFF0E\\uFF61])(?:[${L}]+${DOT})+[${L}]+(?::\\d{1,5}(?![${L}]))?(?:[/?#][${URL_CHARS}]*)?`, 'g');
const TRAILING = /[.,;:!?'")\]]+$/;
const ANY_DOT = /[\u3002\uFF0E\uFF61]/g;
const HOST_END = /[:/?#]/;
const LETTERS = /^[a-z]{2,}$/;

/** The host as the URL parser reads it: NFKC (full-width letters), lower case, every dot `.`. */
function hostOf(candidate: string): string {
  const m = HOST_END.exec(candidate);
  const raw = m ? candidate.slice(0, m.index) : candidate;
  return raw.normalize('NFKC').replace(ANY_DOT, '.').toLowerCase();
}

/** Whether a host (already read as the URL parser reads it) names a web site, by the rules above. */
export function isBareLinkHost(host: string, hasPath: boolean): boolean {
  if (SHORT.has(host)) return true;
  const labels = host.split('.');
  if (labels.some((l) => l === '' || l.startsWith('-') || l.endsWith('-'))) return false;
  const top = labels[labels.length - 1];
  if (!LETTERS.test(top)) return false;
  if (labels[0] === 'www' && labels.length >= 3) return true;
  // `Mr.Li`, `No.1`: a title before a name is not a host (`.li` is Liechtenstein's domain).
  if (!hasPath && ABBREVIATIONS.has(labels[labels.length - 2])) return false;
  const p = parse(host, { allowPrivateDomains: false });
  if (p.isIp || !p.isIcann || p.domain === null || p.publicSuffix === null) return false;
  return hasPath || !FILE_EXT.has(top);
}

/** Every address without a scheme in `text`, in order; `taken` spans (scheme addresses) are skipped. */
export function bareLinksInText(text: string, taken: readonly { start: number; end: number }[] = []): BareLink[] {
  const out: BareLink[] = [];
  for (const m of text.matchAll(BARE)) {
    const start = m.index;
    if (taken.some((t) => start < t.end && t.start < start + m[0].length)) continue;
    const link = m[0].replace(TRAILING, '');
    const host = hostOf(link);
    const rest = link.slice(HOST_END.exec(link)?.index ?? link.length);
    const hasPath = /^(?::\d+)?[/?#]./.test(rest);
    if (!isBareLinkHost(host, hasPath)) continue;
    out.push({ link, start, end: start + link.length });
  }
  return out;
}
