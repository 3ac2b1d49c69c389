// The limits of WeCom's sensitive-word intercept rules (聊天敏感词) are data, like every other
// platform limit: spec/limits/export/wecom-intercept.json holds each number with the sentence of
// WeCom's developer document it comes from. It sits in a folder of its own because it is not a
// `limits "…"` profile a policy can name: the platform profiles (compiler/load/limits-profile.ts)
// must hold the anti-harassment limits, which an intercept rule does not have.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { PROFILES_DIR } from '../load/limits-profile.ts';

export type InterceptLimitId = 'rule-name-length' | 'word-length' | 'words-per-rule' | 'users-per-range' | 'departments-per-range' | 'rules-per-corp';

const IDS: readonly InterceptLimitId[] = ['rule-name-length', 'word-length', 'words-per-rule', 'users-per-range', 'departments-per-range', 'rules-per-corp'];

export interface InterceptLimit {
  id: InterceptLimitId;
  min: number;
  max: number;
  unit: string;
  summary: string;
  /** The sentence of the WeCom document the numbers come from. */
  cite: string;
  /** Which document (and which part of it). */
  source: string;
}

export interface InterceptLimits {
  profile: 'wecom-intercept';
  platform: string;
  source: string;
  limits: InterceptLimit[];
}

export const INTERCEPT_LIMITS_PATH = join(PROFILES_DIR, 'export', 'wecom-intercept.json');

const SCHEMA = {
  type: 'object',
  required: ['profile', 'platform', 'source', 'limits'],
  additionalProperties: false,
  properties: {
    profile: { const: 'wecom-intercept' },
    platform: { type: 'string' },
    source: { type: 'string' },
    limits: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'min', 'max', 'unit', 'summary', 'cite', 'source'],
        additionalProperties: false,
        properties: {
          id: { enum: IDS },
          min: { type: 'integer', minimum: 0 },
          max: { type: 'integer', minimum: 1 },
          unit: { type: 'string' },
          summary: { type: 'string' },
          cite: { type: 'string', minLength: 1 },
          source: { type: 'string', minLength: 1 },
        },
      },
    },
  },
} as const;

let loaded: Map<InterceptLimitId, InterceptLimit> | undefined;

/** Reads and validates a limits file; throws when it is not the shape above or lacks a limit (a broken install, not a user's mistake). */
export function readInterceptLimits(path: string = INTERCEPT_LIMITS_PATH): Map<InterceptLimitId, InterceptLimit> {
  const raw: unknown = JSON.parse(readFileSync(path, 'utf8'));
  const validate = new Ajv({ strict: true }).compile(SCHEMA);
  if (!validate(raw)) throw new Error(`${path}: ${validate.errors?.map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ')}`);
  const byId = new Map((raw as unknown as InterceptLimits).limits.map((l) => [l.id, l] as const));
  for (const id of IDS) if (!byId.has(id)) throw new Error(`${path} lacks ${id}`);
  return byId;
}

/** One limit of the shipped file, read once. */
export function interceptLimit(id: InterceptLimitId): InterceptLimit {
  loaded ??= readInterceptLimits();
  return loaded.get(id)!;
}
