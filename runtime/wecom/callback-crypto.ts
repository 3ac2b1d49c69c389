// WeCom's callback encryption (加解密方案说明, document 90968, which the issue cites as 91144; the
// scheme of Tencent's WXBizMsgCrypt samples, e.g. workweixin/weworkapi_golang, sbzhu/weworkapi_python
// callback/WXBizMsgCrypt.py): checking `msg_signature` and opening an `Encrypt` (or `echostr`)
// value. Node's crypto only.
//
// - msg_signature = hex SHA-1 of the token, timestamp, nonce and ciphertext, sorted as strings and
//   concatenated;
// - AES-256-CBC, key = base64-decode(EncodingAESKey + "="), IV = the key's first 16 bytes,
//   PKCS#7 padding to a multiple of 32 bytes (pad values 1 to 32);
// - plaintext = 16 random bytes, the message's length as 4 bytes big-endian, the message (XML,
//   or the echostr's plaintext), the receive id (the corp id).
//
// Refusals are values, each with the WeCom SDK's error number (spec/wecom.md §2): a signature that
// does not match (-40001), a ciphertext that is not base64 (-40010), one that does not decrypt to
// valid padding (-40007), a plaintext whose layout is wrong (-40008), a receive id that is not
// ours (-40005). The signature and the receive id are compared in constant time, and the padding
// is checked without an early exit.
import { createDecipheriv, createHash, timingSafeEqual } from 'node:crypto';

/** The WeCom SDKs' error numbers (WXBizMsgCrypt `ierror`), for the refusals this module makes. */
export const WECOM_ERRORS = {
  'bad-signature': -40001,
  'bad-xml': -40002,
  'bad-aes-key': -40004,
  'wrong-corp': -40005,
  'decrypt-failed': -40007,
  'bad-plaintext': -40008,
  'bad-base64': -40010,
} as const;

export type DecryptRefusal = 'bad-base64' | 'decrypt-failed' | 'bad-plaintext' | 'wrong-corp';

export type Opened = { ok: true; message: string } | { ok: false; reason: DecryptRefusal };

/** An EncodingAESKey: 43 characters of the base64 alphabet (document 90968). */
const AES_KEY_FORM = /^[A-Za-z0-9+/]{43}$/;
const BASE64_FORM = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** Random prefix and length field. */
const HEADER = 20;
const PAD_BLOCK = 32;

/** The 32-byte AES key of an EncodingAESKey, or null when it is not one. */
export function aesKeyOf(encodingAesKey: string): Buffer | null {
  if (!AES_KEY_FORM.test(encodingAesKey)) return null;
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  return key.length === 32 ? key : null;
}

/** msg_signature: hex SHA-1 of the four strings sorted and concatenated. */
export function msgSignature(token: string, timestamp: string, nonce: string, encrypted: string): string {
  return createHash('sha1').update([token, timestamp, nonce, encrypted].sort().join(''), 'utf8').digest('hex');
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Whether `presented` is the signature of the rest, compared in constant time (digests of equal length). */
export function signatureMatches(presented: string, token: string, timestamp: string, nonce: string, encrypted: string): boolean {
  return timingSafeEqual(digest(presented.toLowerCase()), digest(msgSignature(token, timestamp, nonce, encrypted)));
}

/**
 * Opens a ciphertext: decrypts it with the key, checks the padding and the layout, and compares
 * the receive id with `receiveId` (the corp id) in constant time.
 */
export function openMessage(key: Buffer, encrypted: string, receiveId: string): Opened {
  if (encrypted === '' || !BASE64_FORM.test(encrypted)) return { ok: false, reason: 'bad-base64' };
  const data = Buffer.from(encrypted, 'base64');
  // A whole number of AES blocks.
  if (data.length % 16 !== 0) return { ok: false, reason: 'decrypt-failed' };
  let plain: Buffer;
  try {
    const d = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
    d.setAutoPadding(false);
    plain = Buffer.concat([d.update(data), d.final()]);
  } catch {
    return { ok: false, reason: 'decrypt-failed' };
  }
  const pad = plain[plain.length - 1];
  if (!paddingValid(plain, pad)) return { ok: false, reason: 'decrypt-failed' };
  const body = plain.subarray(0, plain.length - pad);
  if (body.length < HEADER) return { ok: false, reason: 'bad-plaintext' };
  const length = body.readUInt32BE(16);
  if (length > body.length - HEADER) return { ok: false, reason: 'bad-plaintext' };
  let message: string;
  try {
    message = new TextDecoder('utf-8', { fatal: true }).decode(body.subarray(HEADER, HEADER + length));
  } catch {
    return { ok: false, reason: 'bad-plaintext' };
  }
  const from = body.subarray(HEADER + length);
  const expected = createHash('sha256').update(receiveId, 'utf8').digest();
  if (!timingSafeEqual(createHash('sha256').update(from).digest(), expected)) return { ok: false, reason: 'wrong-corp' };
  return { ok: true, message };
}

/**
 * PKCS#7 to 32: the last byte `pad` is 1 to 32 and the last `pad` bytes all equal it. Every one
 * of the last 32 bytes is looked at whatever the verdict, so the time taken does not tell where
 * the padding went wrong.
 */
function paddingValid(plain: Buffer, pad: number): boolean {
  let bad = pad === 0 || pad > PAD_BLOCK || pad > plain.length ? 1 : 0;
  const n = plain.length;
  for (let i = 1; i <= PAD_BLOCK; i++) {
    const b = i <= n ? plain[n - i] : 0;
    // Inside the padding (i <= pad) the byte must equal pad.
    const inside = i <= pad ? 1 : 0;
    bad |= inside & (b !== pad ? 1 : 0);
  }
  return bad === 0;
}
