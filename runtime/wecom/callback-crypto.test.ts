// callback-crypto.ts against two oracles: the sample vectors Tencent publishes with its
// WXBizMsgCrypt SDK (sbzhu/weworkapi_python, callback/Sample.py: a URL check and a POST, made by
// WeCom's own implementation), and testing/callback-sender.ts, an independent encoder written from
// document 90968 (fast-check: any message, any receive id, round trips; every tampering is refused
// with its own reason).
import { createCipheriv } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aesKeyOf, msgSignature, openMessage, signatureMatches } from './callback-crypto.ts';
import { encrypt, encryptRaw, pad32, plaintextOf, sign, type SenderKeys } from './testing/callback-sender.ts';

// Published: sbzhu/weworkapi_python, callback/Sample.py (commit 27220fbe), the enterprise's
// settings and the two requests it shows.
const SAMPLE = { token: 'hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo', encodingAesKey: '6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt', corpId: 'ww1436e0e65a779aee' };
const SAMPLE_VERIFY = {
  msgSignature: '012bc692d0a58dd4b10f8dfe5c4ac00ae211ebeb',
  timestamp: '1476416373',
  nonce: '47744683',
  echostr: 'fsi1xnbH4yQh0+PJxcOdhhK6TDXkjMyhEPA7xB2TGz6b+g7xyAbEkRxN/3cNXW9qdqjnoVzEtpbhnFyq6SVHyA==',
};
const SAMPLE_POST = {
  msgSignature: '0c3914025cb4b4d68103f6bfc8db550f79dcf48e',
  timestamp: '1476422779',
  nonce: '1597212914',
  encrypt:
    'Kl7kjoSf6DMD1zh7rtrHjFaDapSCkaOnwu3bqLc5tAybhhMl9pFeK8NslNPVdMwmBQTNoW4mY7AIjeLvEl3NyeTkAgGzBhzTtRLNshw2AEew+kkYcD+Fq72Kt00fT0WnN87hGrW8SqGc+NcT3mu87Ha3dz1pSDi6GaUA6A0sqfde0VJPQbZ9U+3JWcoD4Z5jaU0y9GSh010wsHF8KZD24YhmZH4ch4Ka7ilEbjbfvhKkNL65HHL0J6EYJIZUC2pFrdkJ7MhmEbU2qARR4iQHE7wy24qy0cRX3Mfp6iELcDNfSsPGjUQVDGxQDCWjayJOpcwocugux082f49HKYg84EpHSGXAyh+/oxwaWbvL6aSDPOYuPDGOCI8jmnKiypE+',
};

const TEST: SenderKeys = { token: 'hush-test-token', encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG', corpId: 'wwhushtest0000001' };

describe('the published sample vectors (WeCom SDK, callback/Sample.py)', () => {
  const key = aesKeyOf(SAMPLE.encodingAesKey)!;

  it('verify the URL check and open its echostr', () => {
    expect(msgSignature(SAMPLE.token, SAMPLE_VERIFY.timestamp, SAMPLE_VERIFY.nonce, SAMPLE_VERIFY.echostr)).toBe(SAMPLE_VERIFY.msgSignature);
    expect(signatureMatches(SAMPLE_VERIFY.msgSignature, SAMPLE.token, SAMPLE_VERIFY.timestamp, SAMPLE_VERIFY.nonce, SAMPLE_VERIFY.echostr)).toBe(true);
    expect(openMessage(key, SAMPLE_VERIFY.echostr, SAMPLE.corpId)).toEqual({ ok: true, message: '1288432023552776189' });
  });

  it('verify the POST and open its message', () => {
    expect(signatureMatches(SAMPLE_POST.msgSignature, SAMPLE.token, SAMPLE_POST.timestamp, SAMPLE_POST.nonce, SAMPLE_POST.encrypt)).toBe(true);
    const r = openMessage(key, SAMPLE_POST.encrypt, SAMPLE.corpId);
    expect(r).toEqual({
      ok: true,
      message:
        '<xml><ToUserName>ww1436e0e65a779aee</ToUserName><FromUserName>ChenJiaShun</FromUserName><CreateTime>1476422779</CreateTime><MsgType>text</MsgType><Content>你好</Content><MsgId>1456453720</MsgId><AgentID>1000002</AgentID></xml>',
    });
  });

  it('refuse the sample under another corp id or token', () => {
    expect(openMessage(key, SAMPLE_POST.encrypt, 'ww1436e0e65a779aef')).toEqual({ ok: false, reason: 'wrong-corp' });
    expect(signatureMatches(SAMPLE_POST.msgSignature, 'another-token', SAMPLE_POST.timestamp, SAMPLE_POST.nonce, SAMPLE_POST.encrypt)).toBe(false);
    expect(signatureMatches(SAMPLE_POST.msgSignature, SAMPLE.token, '1476422780', SAMPLE_POST.nonce, SAMPLE_POST.encrypt)).toBe(false);
  });

  it('the independent sender opens the sample too (the oracle agrees with WeCom)', () => {
    expect(sign(SAMPLE.token, SAMPLE_POST.timestamp, SAMPLE_POST.nonce, SAMPLE_POST.encrypt)).toBe(SAMPLE_POST.msgSignature);
  });
});

describe('aesKeyOf', () => {
  it('takes 43 characters of the base64 alphabet and gives 32 bytes', () => {
    expect(aesKeyOf(TEST.encodingAesKey)?.length).toBe(32);
    for (const bad of ['', 'abc', `${TEST.encodingAesKey}A`, TEST.encodingAesKey.slice(1), `${TEST.encodingAesKey.slice(0, 42)}-`, `${TEST.encodingAesKey.slice(0, 42)}=`]) {
      expect(aesKeyOf(bad), bad).toBeNull();
    }
  });
});

describe('round trips with the independent sender', () => {
  const key = aesKeyOf(TEST.encodingAesKey)!;

  it('opens whatever the sender sealed, for any message and corp id', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.stringMatching(/^[A-Za-z0-9]{1,40}$/), (message, corpId) => {
        const keys = { ...TEST, corpId };
        expect(openMessage(key, encrypt(keys, message), corpId)).toEqual({ ok: true, message });
      }),
      { numRuns: 300 },
    );
  });

  it('signs as the sender signs', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.stringMatching(/^\d{1,10}$/), fc.stringMatching(/^[0-9a-z]{1,16}$/), fc.base64String({ maxLength: 200 }), (token, ts, nonce, enc) => {
        expect(msgSignature(token, ts, nonce, enc)).toBe(sign(token, ts, nonce, enc));
        expect(signatureMatches(sign(token, ts, nonce, enc), token, ts, nonce, enc)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe('refusals', () => {
  const key = aesKeyOf(TEST.encodingAesKey)!;

  it('a receive id that is not the corp id (-40005)', () => {
    expect(openMessage(key, encrypt(TEST, '<xml/>', { receiveId: 'wwsomeoneelse' }), TEST.corpId)).toEqual({ ok: false, reason: 'wrong-corp' });
    // A prefix or an extension of the corp id is not it.
    expect(openMessage(key, encrypt(TEST, '<xml/>', { receiveId: TEST.corpId.slice(0, -1) }), TEST.corpId)).toEqual({ ok: false, reason: 'wrong-corp' });
    expect(openMessage(key, encrypt(TEST, '<xml/>', { receiveId: `${TEST.corpId}x` }), TEST.corpId)).toEqual({ ok: false, reason: 'wrong-corp' });
  });

  it('text that is not base64 (-40010)', () => {
    for (const bad of ['', 'a', 'abc$', 'ab==cd==', 'abc d===']) expect(openMessage(key, bad, TEST.corpId), bad).toEqual({ ok: false, reason: 'bad-base64' });
  });

  it('bad padding (-40007): a pad byte of 0, over 32, or padding bytes that differ', () => {
    const plain = plaintextOf(TEST, '<xml>x</xml>');
    const padded = pad32(plain);
    const n = padded.length - plain.length;
    const variants: Buffer[] = [];
    const zero = Buffer.from(padded);
    zero[zero.length - 1] = 0;
    variants.push(zero);
    const big = Buffer.from(padded);
    big[big.length - 1] = 33;
    variants.push(big);
    if (n >= 2) {
      const differ = Buffer.from(padded);
      differ[differ.length - 2] = (n + 1) & 0xff;
      variants.push(differ);
    }
    for (const v of variants) expect(openMessage(key, encryptRaw(TEST, v), TEST.corpId)).toEqual({ ok: false, reason: 'decrypt-failed' });
    // A length that is not whole AES blocks cannot be decrypted.
    expect(openMessage(key, Buffer.alloc(20, 1).toString('base64'), TEST.corpId)).toEqual({ ok: false, reason: 'decrypt-failed' });
  });

  it('a wrong key gives garbage: refused, never a message', () => {
    const other = aesKeyOf('ZYXWVUTSRQPONMLKJIHGFEDCBAzyxwvutsrqponmlk0')!;
    fc.assert(
      fc.property(fc.string({ maxLength: 100 }), (m) => {
        const r = openMessage(other, encrypt(TEST, m), TEST.corpId);
        expect(r.ok).toBe(false);
      }),
      { numRuns: 100 },
    );
  });

  it('a length field beyond the plaintext, or a plaintext shorter than its header (-40008)', () => {
    expect(openMessage(key, encrypt(TEST, '<xml/>', { length: 10_000 }), TEST.corpId)).toEqual({ ok: false, reason: 'bad-plaintext' });
    // 16 bytes only: no room for the length field.
    const short = encryptRaw(TEST, pad32(Buffer.alloc(10, 7)));
    expect(openMessage(key, short, TEST.corpId)).toEqual({ ok: false, reason: 'bad-plaintext' });
  });

  it('a message that is not UTF-8 (-40008)', () => {
    const k = Buffer.from(TEST.encodingAesKey + '=', 'base64');
    const msg = Buffer.from([0xff, 0xfe, 0x3c]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(msg.length);
    const plain = pad32(Buffer.concat([Buffer.alloc(16, 1), len, msg, Buffer.from(TEST.corpId)]));
    const c = createCipheriv('aes-256-cbc', k, k.subarray(0, 16));
    c.setAutoPadding(false);
    const enc = Buffer.concat([c.update(plain), c.final()]).toString('base64');
    expect(openMessage(key, enc, TEST.corpId)).toEqual({ ok: false, reason: 'bad-plaintext' });
  });
});
