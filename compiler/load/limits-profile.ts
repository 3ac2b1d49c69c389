// Limits profiles are data: `spec/limits/<name>.json` holds every documented number with the
// seed sentence it comes from. This module loads and validates them; no limit value is written
// in code anywhere else.
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export type LimitId =
  | 'keywords-per-rule'
  | 'links-per-rule'
  | 'miniprograms-per-rule'
  | 'personal-blacklist'
  | 'enterprise-blacklist'
  | 'groups-per-rule'
  | 'groups-per-operation'
  | 'rules-per-super-admins'
  | 'rules-per-management-rule'
  | 'rules-per-member'
  | 'linked-restore'
  | 'rules-per-group';

export interface Limit {
  id: LimitId;
  /** null means documented as unlimited. */
  max: number | null;
  unit: string;
  summary: string;
  /** The seed sentence the number comes from. */
  cite: string;
  /** Rules first configured on a platform version before this one are exempt (legacy). */
  legacyBefore?: string;
  /** An advisory limit (a batch plan), reported as information rather than an error. */
  advisory?: boolean;
  /** The seed the sentence comes from, when it is not the profile's `source`. */
  source?: string;
}

/** Milliseconds per unit, for limits that are durations (`"unit": "hours"`). */
const DURATION_UNIT_MS: Record<string, number> = { seconds: 1_000, minutes: 60_000, hours: 3_600_000, days: 86_400_000 };

/** The maximum of a duration limit in milliseconds; undefined when the limit is not a duration or has none. */
export function limitMs(l: Limit): number | undefined {
  const unit = DURATION_UNIT_MS[l.unit];
  return unit === undefined || l.max === null ? undefined : l.max * unit;
}

export interface LimitsProfile {
  profile: string;
  platform: string;
  version: string;
  source: string;
  limits: Limit[];
  byId: Map<LimitId, Limit>;
}

export const PROFILES_DIR = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'spec', 'limits');

const REQUIRED: LimitId[] = [
  'keywords-per-rule', 'links-per-rule', 'miniprograms-per-rule', 'personal-blacklist', 'enterprise-blacklist',
  'groups-per-rule', 'groups-per-operation', 'rules-per-super-admins', 'rules-per-management-rule', 'rules-per-member',
  'linked-restore',
];

const cache = new Map<string, LimitsProfile>();

/** The names of the profiles that ship with Hush. */
export function availableProfiles(): string[] {
  return ['wecom-4.1.36'].filter((p) => existsSync(join(PROFILES_DIR, `${p}.json`)));
}

/** Loads a shipped profile by name; undefined when there is no such profile. */
export function loadProfile(name: string): LimitsProfile | undefined {
  if (!/^[a-z0-9][a-z0-9.-]*$/.test(name)) return undefined;
  const hit = cache.get(name);
  if (hit) return hit;
  const path = join(PROFILES_DIR, `${name}.json`);
  if (!existsSync(path)) return undefined;
  const raw = JSON.parse(readFileSync(path, 'utf8')) as Omit<LimitsProfile, 'byId'>;
  const byId = new Map(raw.limits.map((l) => [l.id, l] as const));
  for (const id of REQUIRED) if (!byId.has(id)) throw new Error(`limits profile ${name} lacks ${id}`);
  const profile = { ...raw, byId };
  cache.set(name, profile);
  return profile;
}

export function limitCode(id: LimitId): string {
  return `hush/limit/${id}`;
}

/** Compares dotted versions numerically: -1, 0 or 1. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((x) => Number(x));
  const pb = b.split('.').map((x) => Number(x));
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? 0;
    const y = pb[i] ?? 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** A limit of Hush itself (spec/hush-limits.json), not of the platform: it has a reason, not a seed sentence. */
export interface HushLimit {
  id: 'rules-per-set' | 'patterns-per-rule' | 'pattern-length' | 'pattern-program-size';
  max: number;
  unit: string;
  summary: string;
  why: string;
}

export const HUSH_LIMITS_PATH = join(PROFILES_DIR, '..', 'hush-limits.json');

let hushLimits: Map<HushLimit['id'], HushLimit> | undefined;

/** One of Hush's own limits, read once from spec/hush-limits.json. */
export function hushLimit(id: HushLimit['id']): HushLimit {
  hushLimits ??= new Map((JSON.parse(readFileSync(HUSH_LIMITS_PATH, 'utf8')) as { limits: HushLimit[] }).limits.map((l) => [l.id, l] as const));
  const l = hushLimits.get(id);
  if (!l) throw new Error(`spec/hush-limits.json lacks ${id}`);
  return l;
}
