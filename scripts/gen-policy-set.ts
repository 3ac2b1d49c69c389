// Generates the policy sets the checker is measured on, from a seed:
//
//   node bin/run-ts.js scripts/gen-policy-set.ts --kind legal|over [--out DIR] [--seed N] [--scale F]
//
// `legal` is the largest policy set the limits allow: 1,000 rules (all by super admins, exactly
// their shared quota), each with 100 keywords, 1,000 whitelisted links, 1,000 whitelisted
// mini-programs and 20,000 groups, a 2,000,000-entry enterprise blacklist and three 50,000-entry
// personal blacklists. `over` breaks every limit by exactly one: a rule with 101 keywords, one
// with 1,001 links, one with 1,001 mini-programs, one with 20,001 groups, a 50,001-entry
// personal blacklist, a 2,000,001-entry enterprise blacklist, and 1,001 rules in each creator
// quota (super admins, one management rule's owners, one member). `--scale` shrinks every count
// (for tests); the limits are only broken, or exactly met, at scale 1.
//
// The same seed always gives the same bytes. The output defaults to bench/data/<kind>/ (git
// ignored). List files are shared between rules (a few group, link and mini-program files) so
// the set stays under 40 MB on disk; a `manifest.json` beside the policy files records what was
// generated and, for `over`, the limit codes the checker must report.
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CJK, IdSpace, int, mulberry32, pick, type Random } from './seeded.ts';

export type SetKind = 'legal' | 'over';

export interface GenOptions {
  kind: SetKind;
  out: string;
  seed?: number;
  scale?: number;
}

export interface Manifest {
  kind: SetKind;
  seed: number;
  scale: number;
  /** Policy files, relative to the output folder. */
  policyFiles: string[];
  /** List files, relative to the output folder, with their entry counts. */
  listFiles: Record<string, number>;
  rules: number;
  /** Rules per creator quota bucket. */
  quotas: { superAdmins: number; managementRule: number; member: number };
  enterpriseBlacklist: number;
  personalBlacklists: Record<string, number>;
  exempt: number;
  /** The `hush/limit/…` error codes the checker must report, each exactly once. */
  expectLimitErrors: string[];
}

export const DEFAULT_SEED = 1;
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_OUT = join(ROOT, 'bench', 'data');

/** The documented limits the sets are built around (spec/limits/wecom-4.1.36.json). */
const LIMIT = {
  keywords: 100,
  links: 1000,
  miniprograms: 1000,
  groups: 20_000,
  personal: 50_000,
  enterprise: 2_000_000,
  rulesPerQuota: 1000,
} as const;

const RULES_PER_FILE = 100;
const GROUP_FILES = 4;
const LINK_FILES = 10;
const MINIPROGRAM_FILES = 10;
const EXEMPT = 10_000;
const SUPER_ADMINS = ['zhang.wei', 'wang.fang', 'liu.yang'];
const PERSONAL_OWNERS = ['li.lei', 'han.mei', 'zhao.lin'];
const RULE_MANAGERS = ['sun.li', 'zhou.jie', 'wu.min'];

const SYLLABLES = ['shop', 'mall', 'jia', 'hui', 'le', 'mei', 'tian', 'xin', 'da', 'bao', 'gou', 'mai', 'pin', 'you', 'ke', 'yun', 'hao', 'wu'];
const WARNINGS = ['请勿发送广告', '请文明发言', '本群禁止推广', '请勿刷屏'];

function scaled(n: number, scale: number): number {
  return Math.max(1, Math.round(n * scale));
}

/** `count` distinct keywords of four common Chinese characters; equal lengths mean none contains another. */
function keywords(rand: Random, count: number): string[] {
  const out = new Set<string>();
  while (out.size < count) {
    let k = '';
    for (let i = 0; i < 4; i++) k += CJK[int(rand, CJK.length)];
    out.add(k);
  }
  return [...out];
}

/** Link patterns, distinct by their index: subdomain wildcards and URL prefixes. */
function links(rand: Random, file: number, count: number): string {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `${pick(rand, SYLLABLES)}${pick(rand, SYLLABLES)}${file.toString(36)}${i.toString(36)}`;
    switch (i % 3) {
      case 0:
        out.push(`*.${name}.cn`);
        break;
      case 1:
        out.push(`https://www.${name}.com/*`);
        break;
      default:
        out.push(`https://${name}.com.cn/shop/*`);
    }
  }
  return out.join('\n') + '\n';
}

/** Mini-program AppIDs: `wx` and 16 hex digits, distinct by their index. */
function miniprograms(rand: Random, file: number, count: number): string {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const index = ((file * 0x10000 + i) >>> 0).toString(16).padStart(8, '0');
    const noise = (int(rand, 2 ** 32) >>> 0).toString(16).padStart(8, '0');
    out.push(`wx${noise}${index}`);
  }
  return out.join('\n') + '\n';
}

function quote(s: string): string {
  return JSON.stringify(s);
}

/** Writes files under `out`, remembering what was written for the manifest. */
class Writer {
  readonly policyFiles: string[] = [];
  readonly listFiles: Record<string, number> = {};

  constructor(private readonly out: string) {}

  policy(rel: string, text: string): void {
    this.write(rel, text);
    this.policyFiles.push(rel);
  }

  list(rel: string, text: string, entries: number): void {
    this.write(rel, text);
    this.listFiles[rel] = entries;
  }

  private write(rel: string, text: string): void {
    const path = join(this.out, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
}

interface RuleSpec {
  name: string;
  owner: string;
  groups: string;
  keywords: string[];
  links: string;
  miniprograms: string;
  flood: boolean;
  warn: string;
}

/** Items joined by commas, `perLine` to a line, continuation lines indented. */
function wrap(items: string[], perLine: number): string {
  const lines: string[] = [];
  for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(', '));
  return lines.join(',\n    ');
}

function ruleText(r: RuleSpec): string {
  const lines = [
    `rule ${quote(r.name)} {`,
    `  ${r.owner}`,
    `  groups ${r.groups}`,
    `  keywords ${wrap(r.keywords.map(quote), 10)}`,
    `  allow links ${r.links}`,
    `  allow miniprograms ${r.miniprograms}`,
    `  when keyword then recall, warn ${quote(r.warn)}, record harassment`,
    '  when link then recall',
    '  when miniprogram then recall',
  ];
  if (r.flood) lines.push('  when flood 5 in 10s then mute 30m');
  lines.push('}', '');
  return lines.join('\n');
}

/** Writes rules into files of RULES_PER_FILE rules each, named `<prefix>-NN.policy`. */
function writeRules(w: Writer, prefix: string, rules: RuleSpec[]): void {
  for (let f = 0; f * RULES_PER_FILE < rules.length; f++) {
    const chunk = rules.slice(f * RULES_PER_FILE, (f + 1) * RULES_PER_FILE);
    const head = `# Generated by scripts/gen-policy-set.ts: rules ${f * RULES_PER_FILE + 1} to ${f * RULES_PER_FILE + chunk.length} of ${prefix}.\n\n`;
    w.policy(`${prefix}-${String(f).padStart(2, '0')}.policy`, head + chunk.map(ruleText).join('\n'));
  }
}

function enterpriseText(personal: string[], kind: SetKind): string {
  return [
    `# Generated by scripts/gen-policy-set.ts: the ${kind} policy set's enterprise-wide declarations.`,
    'enterprise "bench-enterprise"',
    'limits "wecom-4.1.36"',
    'normalize case, width, symbols',
    '',
    'blacklist enterprise from "lists/enterprise-blacklist.txt"',
    ...personal.map((o) => `blacklist personal of ${quote(o)} from "lists/personal-${o.replace('.', '-')}.txt"`),
    'exempt customers from "lists/exempt.txt"',
    '',
    'ladder "interop-abuse" {',
    '  counts harassment, inducing-share, contact-abuse',
    '  step 1: suspend interop for 1h, appealable',
    '  step 2: suspend interop for 24h',
    '  step 3: suspend interop forever',
    '  severe: ban member forever, ban admin, ban enterprise',
    '}',
    '',
  ].join('\n');
}

/** Marks a folder as this script's output, so a later run may delete it and nothing else. */
const MARKER = '.generated-by-gen-policy-set';

/** Empties `out` when it is missing, empty or an earlier output; refuses any other folder. */
function clearOutput(out: string): void {
  if (existsSync(out) && readdirSync(out).length > 0 && !existsSync(join(out, MARKER))) {
    throw new Error(`refusing to overwrite ${out}: it is not empty and was not written by gen-policy-set`);
  }
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, MARKER), '');
}

export function generatePolicySet(options: GenOptions): Manifest {
  const seed = options.seed ?? DEFAULT_SEED;
  const scale = options.scale ?? 1;
  const { kind, out } = options;
  const over = kind === 'over' ? 1 : 0;
  const rand = mulberry32(seed);
  const customers = new IdSpace('wm', rand);
  const groupIds = new IdSpace('wr', rand);
  clearOutput(out);
  const w = new Writer(out);

  // Customers: disjoint index ranges, so no exempt customer is ever blacklisted.
  const enterpriseCount = scaled(LIMIT.enterprise, scale) + over;
  const personalCount = scaled(LIMIT.personal, scale);
  const exemptCount = scaled(EXEMPT, scale);
  let next = 0;
  w.list('lists/enterprise-blacklist.txt', customers.lines(next, enterpriseCount), enterpriseCount);
  next += enterpriseCount;
  const personal: Record<string, number> = {};
  for (const [i, owner] of PERSONAL_OWNERS.entries()) {
    // In the `over` set, the first owner's list is one over the limit; the others are at it.
    const count = personalCount + (i === 0 ? over : 0);
    w.list(`lists/personal-${owner.replace('.', '-')}.txt`, customers.lines(next, count), count);
    personal[owner] = count;
    next += count;
  }
  w.list('lists/exempt.txt', customers.lines(next, exemptCount), exemptCount);
  w.policy('enterprise.policy', enterpriseText(PERSONAL_OWNERS, kind));

  const quotaRules = scaled(LIMIT.rulesPerQuota, scale);
  const groupCount = scaled(LIMIT.groups, scale);
  const linkCount = scaled(LIMIT.links, scale);
  const mpCount = scaled(LIMIT.miniprograms, scale);
  const keywordCount = scaled(LIMIT.keywords, scale);
  let quotas = { superAdmins: 0, managementRule: 0, member: 0 };
  let rules = 0;

  if (kind === 'legal') {
    for (let g = 0; g < GROUP_FILES; g++) w.list(`lists/groups-${g}.txt`, groupIds.lines(g * groupCount, groupCount), groupCount);
    for (let f = 0; f < LINK_FILES; f++) w.list(`lists/links-${f}.txt`, links(rand, f, linkCount), linkCount);
    for (let f = 0; f < MINIPROGRAM_FILES; f++) w.list(`lists/miniprograms-${f}.txt`, miniprograms(rand, f, mpCount), mpCount);
    const specs: RuleSpec[] = [];
    for (let i = 0; i < quotaRules; i++) {
      specs.push({
        name: `rule-${String(i + 1).padStart(4, '0')}`,
        owner: `owner super-admin ${quote(SUPER_ADMINS[i % SUPER_ADMINS.length])}`,
        groups: `from "lists/groups-${i % GROUP_FILES}.txt"`,
        keywords: keywords(rand, keywordCount),
        links: `from "lists/links-${i % LINK_FILES}.txt"`,
        miniprograms: `from "lists/miniprograms-${i % MINIPROGRAM_FILES}.txt"`,
        flood: i % 10 === 0,
        warn: pick(rand, WARNINGS),
      });
    }
    writeRules(w, 'rules', specs);
    quotas = { superAdmins: quotaRules, managementRule: 0, member: 0 };
    rules = quotaRules;
  } else {
    // Lists that break a per-rule limit by one, used by one rule each.
    w.list('lists/groups-over.txt', groupIds.lines(0, groupCount + 1), groupCount + 1);
    w.list('lists/links-over.txt', links(rand, 0, linkCount + 1), linkCount + 1);
    w.list('lists/miniprograms-over.txt', miniprograms(rand, 0, mpCount + 1), mpCount + 1);
    // Every other rule is small: two groups, a few keywords, one link, one mini-program.
    let groupNext = groupCount + 1;
    const small = (name: string, owner: string, i: number): RuleSpec => {
      const spec: RuleSpec = {
        name,
        owner,
        groups: [groupIds.id(groupNext), groupIds.id(groupNext + 1)].map(quote).join(', '),
        keywords: keywords(rand, 3),
        links: quote(`*.${pick(rand, SYLLABLES)}${i.toString(36)}.cn`),
        miniprograms: quote(miniprograms(rand, 1, 1).trim()),
        flood: false,
        warn: pick(rand, WARNINGS),
      };
      groupNext += 2;
      return spec;
    };
    const n = quotaRules + 1;
    const admins: RuleSpec[] = [];
    for (let i = 0; i < n; i++) admins.push(small(`admin-rule-${String(i + 1).padStart(4, '0')}`, `owner super-admin ${quote(SUPER_ADMINS[i % SUPER_ADMINS.length])}`, i));
    // The per-rule limits are broken by the first four super-admin rules.
    admins[0] = { ...admins[0], name: 'over-keywords', keywords: keywords(rand, keywordCount + 1) };
    admins[1] = { ...admins[1], name: 'over-links', links: 'from "lists/links-over.txt"' };
    admins[2] = { ...admins[2], name: 'over-miniprograms', miniprograms: 'from "lists/miniprograms-over.txt"' };
    admins[3] = { ...admins[3], name: 'over-groups', groups: 'from "lists/groups-over.txt"' };
    writeRules(w, 'super-admin-rules', admins);
    const managers: RuleSpec[] = [];
    for (let i = 0; i < n; i++) {
      managers.push(small(`east-rule-${String(i + 1).padStart(4, '0')}`, `owner rule-manager of "east-region" ${quote(RULE_MANAGERS[i % RULE_MANAGERS.length])}`, i));
    }
    writeRules(w, 'management-rules', managers);
    const members: RuleSpec[] = [];
    for (let i = 0; i < n; i++) members.push(small(`li-lei-rule-${String(i + 1).padStart(4, '0')}`, 'owner member "li.lei"', i));
    writeRules(w, 'member-rules', members);
    quotas = { superAdmins: n, managementRule: n, member: n };
    rules = 3 * n;
  }

  const expectLimitErrors =
    kind === 'over' && scale === 1
      ? [
          'hush/limit/enterprise-blacklist',
          'hush/limit/groups-per-rule',
          'hush/limit/keywords-per-rule',
          'hush/limit/links-per-rule',
          'hush/limit/miniprograms-per-rule',
          'hush/limit/personal-blacklist',
          'hush/limit/rules-per-management-rule',
          'hush/limit/rules-per-member',
          'hush/limit/rules-per-super-admins',
        ]
      : [];
  const manifest: Manifest = {
    kind,
    seed,
    scale,
    policyFiles: [...w.policyFiles].sort(),
    listFiles: Object.fromEntries(Object.entries(w.listFiles).sort(([a], [b]) => (a < b ? -1 : 1))),
    rules,
    quotas,
    enterpriseBlacklist: enterpriseCount,
    personalBlacklists: personal,
    exempt: exemptCount,
    expectLimitErrors,
  };
  // The manifest is written last: its presence means the set is complete.
  writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

/** Parses the command line; returns the options, or a usage message. */
export function parseArgs(argv: string[]): GenOptions | string {
  let kind: string | undefined;
  let out: string | undefined;
  let seed = DEFAULT_SEED;
  let scale = 1;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[i + 1];
    if (a === '--kind') kind = v;
    else if (a === '--out') out = v;
    else if (a === '--seed') seed = Number(v);
    else if (a === '--scale') scale = Number(v);
    else return `unknown argument ${a}`;
    i++;
  }
  if (kind !== 'legal' && kind !== 'over') return '--kind must be legal or over';
  if (!Number.isInteger(seed) || seed < 0) return '--seed must be a non-negative integer';
  if (!(scale > 0 && scale <= 1)) return '--scale must be in (0, 1]';
  return { kind, out: resolve(out ?? join(DEFAULT_OUT, kind)), seed, scale };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const parsed = parseArgs(process.argv.slice(2));
  if (typeof parsed === 'string') {
    process.stderr.write(`gen-policy-set: ${parsed}\nusage: gen-policy-set.ts --kind legal|over [--out DIR] [--seed N] [--scale F]\n`);
    process.exitCode = 2;
  } else {
    const t0 = performance.now();
    let m: Manifest;
    try {
      m = generatePolicySet(parsed);
    } catch (e) {
      process.stderr.write(`gen-policy-set: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    }
    const ms = Math.round(performance.now() - t0);
    process.stdout.write(`wrote ${m.kind} set to ${parsed.out}: ${m.policyFiles.length} policy files, ${Object.keys(m.listFiles).length} list files, ${m.rules} rules (${ms} ms)\n`);
  }
}
