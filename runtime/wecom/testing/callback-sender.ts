// Tests only: WeCom's side of the callback protocol, written from 加解密方案说明 (document 90968)
// with Node's crypto directly and sharing no code with ../callback-crypto.ts, which it is the oracle of.
// It encrypts a message as WeCom does (16 random bytes, 4-byte big-endian length, the message,
// the corp id; PKCS#7 to 32; AES-256-CBC, key = base64(EncodingAESKey + "="), IV = its first 16
// bytes), signs it (SHA-1 of the sorted token, timestamp, nonce, ciphertext) and builds the
// request WeCom sends: the query string and, for POST, the `<xml>` envelope.
import * as crypto from 'node:crypto';

export interface SenderKeys {
  token: string;
  encodingAesKey: string;
  corpId: string;
}

/** The message's bytes as WeCom lays them out, before padding; every part may be overridden to build a bad one. */
export interface Layout {
  random?: Buffer;
  /** The length field; default the message's byte length. */
  length?: number;
  receiveId?: string;
}

function keyBytes(encodingAesKey: string): Buffer {
  // Decoded by hand (not Buffer's lenient decoder), so that a key this side accepts is exactly
  // 43 characters of the alphabet.
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const bits: number[] = [];
  for (const ch of encodingAesKey) {
    const v = alphabet.indexOf(ch);
    if (v < 0) throw new Error(`not base64: ${ch}`);
    for (let b = 5; b >= 0; b--) bits.push((v >> b) & 1);
  }
  const out = Buffer.alloc(32);
  for (let i = 0; i < 256; i++) out[i >> 3] |= bits[i] << (7 - (i & 7));
  return out;
}

/** The plaintext before padding. */
export function plaintextOf(keys: SenderKeys, message: string, layout: Layout = {}): Buffer {
  const msg = Buffer.from(message, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(layout.length ?? msg.length);
  return Buffer.concat([layout.random ?? crypto.randomBytes(16), len, msg, Buffer.from(layout.receiveId ?? keys.corpId, 'utf8')]);
}

/** PKCS#7 padding to a multiple of 32 (a whole block of 32 when already aligned). */
export function pad32(data: Buffer): Buffer {
  const n = 32 - (data.length % 32);
  return Buffer.concat([data, Buffer.alloc(n, n)]);
}

/** AES-256-CBC of already padded bytes, base64. */
export function encryptRaw(keys: SenderKeys, padded: Buffer): string {
  const key = keyBytes(keys.encodingAesKey);
  const c = crypto.createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  c.setAutoPadding(false);
  return Buffer.concat([c.update(padded), c.final()]).toString('base64');
}

export function encrypt(keys: SenderKeys, message: string, layout: Layout = {}): string {
  return encryptRaw(keys, pad32(plaintextOf(keys, message, layout)));
}

export function sign(token: string, timestamp: string, nonce: string, encrypted: string): string {
  const parts = [token, timestamp, nonce, encrypted];
  parts.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return crypto.createHash('sha1').update(parts.join('')).digest('hex');
}

export interface CallbackRequest {
  /** `?msg_signature=…&timestamp=…&nonce=…` (plus `echostr` for a URL check). */
  query: string;
  /** The POST body (the `<xml>` envelope); empty for a URL check. */
  body: string;
  encrypted: string;
}

/** The POST WeCom sends for a callback message (document 90930's envelope: ToUserName, Encrypt, AgentID). */
export function callbackPost(keys: SenderKeys, xml: string, timestamp: number, nonce = String(crypto.randomInt(1e9)), layout: Layout = {}): CallbackRequest {
  const encrypted = encrypt(keys, xml, layout);
  const ts = String(timestamp);
  const sig = sign(keys.token, ts, nonce, encrypted);
  const body = `<xml><ToUserName><![CDATA[${keys.corpId}]]></ToUserName><Encrypt><![CDATA[${encrypted}]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>`;
  return { query: `?msg_signature=${sig}&timestamp=${ts}&nonce=${nonce}`, body, encrypted };
}

/** The GET of WeCom's URL check: an encrypted random string to answer in plaintext. */
export function urlCheck(keys: SenderKeys, echo: string, timestamp: number, nonce = String(crypto.randomInt(1e9))): CallbackRequest {
  const encrypted = encrypt(keys, echo);
  const ts = String(timestamp);
  const sig = sign(keys.token, ts, nonce, encrypted);
  return { query: `?msg_signature=${sig}&timestamp=${ts}&nonce=${nonce}&echostr=${encodeURIComponent(encrypted)}`, body: '', encrypted };
}
