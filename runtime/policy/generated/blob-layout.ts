// The names of the sections of a compiled policy's data blob (runtime/policy/generated/data-blob.ts)
// and the flags stored in them: the one definition shared by the writer (compiler/lower/ir-to-data.ts)
// and the reader (runtime/policy/generated/policy-core.ts). Names are chosen here, never by a policy.
//
// A string list (`encodeStrings`) is two sections `<prefix>.units`, `<prefix>.offsets`; a string
// table (string-table.ts) and a keyword matcher (matcher-sections.ts) take a prefix and name their
// own sections under it.

/** The sections of a string list stored with `encodeStrings`. */
export const stringsUnits = (prefix: string): string => `${prefix}.units`;
export const stringsOffsets = (prefix: string): string => `${prefix}.offsets`;

/** Blacklists and exempt customers. */
export const BL_ENTERPRISE = 'bl.e';
/** String list: the owners of personal blacklists, in IR order. */
export const BL_OWNERS = 'bl.owners';
/** String table of the i-th owner's personal blacklist. */
export const blPersonal = (i: number): string => `bl.p${i}`;
export const EXEMPT = 'ex';

/** Groups → rule sets: a string table of groups (value: rule set), then rule set postings. */
export const GROUPS = 'groups';
export const RS_START = 'rs.start';
export const RS_RULES = 'rs.rules';

/** String list: every keyword as written, numbered globally; `kw.base[r]`: rule r's first. */
export const KW_RAW = 'kw.raw';
export const KW_BASE = 'kw.base';
/** The keyword matcher of normalisation profile `p` (prefix), and its pattern → rule / keyword maps. */
export const kwProfile = (p: number): string => `k${p}`;
export const kwPatternRule = (p: number): string => `k${p}.prule`;
export const kwPatternKeyword = (p: number): string => `k${p}.pkw`;

/** Link whitelists: a string table of hosts, then per host (list, flags, path) postings. */
export const LN_HOSTS = 'ln.hosts';
export const LN_START = 'ln.start';
export const LN_LIST = 'ln.list';
export const LN_FLAGS = 'ln.flags';
export const LN_PATH = 'ln.path';
/** String list: the path prefixes of link patterns. */
export const LN_PATHS = 'ln.paths';

/** Link pattern flags in `ln.flags`: subdomains, and the scheme (none, http, https). */
export const LN_SUBDOMAINS = 1;
export const LN_HTTP = 2;
export const LN_HTTPS = 4;

/** Mini-program (`mp`) and card (`cd`) whitelists: id → lists holding it. */
export type IdIndexPrefix = 'mp' | 'cd';
export const MP = 'mp';
export const CD = 'cd';
export const idsTable = (prefix: IdIndexPrefix): string => `${prefix}.ids`;
export const idsStart = (prefix: IdIndexPrefix): string => `${prefix}.start`;
export const idsList = (prefix: IdIndexPrefix): string => `${prefix}.list`;
