// The WeCom callback's configuration (spec/wecom.md §2): the Token, the EncodingAESKey and the
// corp id set in WeCom's admin console for the callback URL (回调配置, document 90930), plus Hush's own
// timestamp window. Read from one JSON object (a file or an environment variable; `hush serve
// --wecom-callback FILE` / `--wecom-callback-env NAME`):
//
//   {"token":"…","encoding_aes_key":"<43 characters>","corp_id":"ww…","timestamp_window_seconds":300}
//
// A malformed configuration is an error naming the field, never the secret.
import { aesKeyOf } from './callback-crypto.ts';

export interface WecomCallbackConfig {
  token: string;
  /** The 32-byte AES key the EncodingAESKey stands for. */
  aesKey: Buffer;
  /** The receive id every message must carry: the enterprise's corp id. */
  corpId: string;
  /** How far a request's `timestamp` may be from the service's clock (ms). */
  timestampWindowMs: number;
}

/** Hush's default window: 5 minutes either way (WeCom documents none; see spec/wecom.md §2). */
export const DEFAULT_TIMESTAMP_WINDOW_SECONDS = 300;

export class WecomConfigError extends Error {}

const FIELDS = ['token', 'encoding_aes_key', 'corp_id', 'timestamp_window_seconds'];

/** Reads the configuration JSON; `source` names where it came from in errors. */
export function parseWecomCallbackConfig(text: string, source: string): WecomCallbackConfig {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    throw new WecomConfigError(`${source} is not JSON`);
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new WecomConfigError(`${source} must be a JSON object with token, encoding_aes_key and corp_id`);
  const obj = o as Record<string, unknown>;
  for (const k of Object.keys(obj)) if (!FIELDS.includes(k)) throw new WecomConfigError(`${source}: unknown field \`${k}\` (the fields are ${FIELDS.join(', ')})`);
  const str = (k: string) => {
    const v = obj[k];
    if (typeof v !== 'string' || v === '') throw new WecomConfigError(`${source}: \`${k}\` must be a non-empty string`);
    return v;
  };
  const token = str('token');
  if (token.length > 128 || /\s/.test(token)) throw new WecomConfigError(`${source}: \`token\` must be at most 128 characters without white space`);
  const aesKey = aesKeyOf(str('encoding_aes_key'));
  if (!aesKey) throw new WecomConfigError(`${source}: \`encoding_aes_key\` must be WeCom's EncodingAESKey, 43 letters, digits, + or /`);
  const corpId = str('corp_id');
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(corpId)) throw new WecomConfigError(`${source}: \`corp_id\` must be 1 to 128 letters, digits, _ or -`);
  const w = obj.timestamp_window_seconds ?? DEFAULT_TIMESTAMP_WINDOW_SECONDS;
  if (typeof w !== 'number' || !Number.isInteger(w) || w < 1 || w > 86_400) throw new WecomConfigError(`${source}: \`timestamp_window_seconds\` must be a whole number from 1 to 86400`);
  return { token, aesKey, corpId, timestampWindowMs: w * 1000 };
}
