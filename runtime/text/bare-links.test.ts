// Addresses without a scheme in message text (bare-links.ts, spec/runtime.md §5): the forms chat
// users write are found with their spans and read by the URL parser as the host they name; the
// dotted things of ordinary Chinese and English text are not addresses.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bareLinksInText, SHORT_LINK_HOSTS } from './bare-links.ts';
import { parseLink } from './links.ts';
import { linksInText, textMayHoldLinks } from './text-semantics.ts';

const found = (text: string) => linksInText(text).map((l) => [l.link, l.start, l.end]);

describe('addresses without a scheme', () => {
  it('finds the forms of the issue, with spans in the original text', () => {
    expect(found('资料在 www.evil.cn/abc 自取')).toEqual([['www.evil.cn/abc', 4, 19]]);
    expect(found('资料在www.evil.cn/abc自取')).toEqual([['www.evil.cn/abc', 3, 18]]);
    expect(found('加我 evil.cn')).toEqual([['evil.cn', 3, 10]]);
    expect(found('点 t.cn/A6xyz 领取')).toEqual([['t.cn/A6xyz', 2, 12]]);
    expect(found('evil。cn/abc')).toEqual([['evil。cn/abc', 0, 11]]);
    expect(found('evil．cn')).toEqual([['evil．cn', 0, 7]]);
    expect(found('ｅｖｉｌ．ｃｎ/x')).toEqual([['ｅｖｉｌ．ｃｎ/x', 0, 9]]);
    expect(found('evil.cn:8080/x，看')).toEqual([['evil.cn:8080/x', 0, 14]]);
    expect(found('见 https://a.cn/x 和 b.cn/y。')).toEqual([
      ['https://a.cn/x', 2, 16],
      ['b.cn/y', 19, 25],
    ]);
    // A full-width dot is a dot to the URL parser: the whitelist sees the host.
    expect(parseLink('evil。cn/abc')?.host).toBe('evil.cn');
    expect(parseLink('ｅｖｉｌ．ｃｎ/x')?.host).toBe('evil.cn');
  });

  it('reads every curated short-link host, alone and with a path', () => {
    for (const h of SHORT_LINK_HOSTS) {
      expect(found(`点${h}领取`), h).toEqual([[h, 1, 1 + h.length]]);
      expect(found(`点 ${h}/Ab3 领取`), h).toEqual([[`${h}/Ab3`, 2, 2 + h.length + 4]]);
    }
  });

  it('finds no address in ordinary text', () => {
    for (const t of [
      '例如.txt', '1.5', '版本 v1.2.3', '3.14159', 'e.g. this', 'i.e.', 'U.S.A.', 'a.m. 和 p.m.', 'Mr.Li 你好', 'Dr.Wang', 'No.1',
      'li@acme.cn', 'readme.md', 'setup.py', 'run.sh', 'photo.jpg', 'index.html', 'Node.js', '。好的。', '例子.中国',
      '192.168.1.1/x', '...', 'a.b.c.d', 'file_name.zip',
    ]) {
      expect(found(t), t).toEqual([]);
    }
  });

  const chinese = fc.constantFrom('资', '料', '在', '自', '取', '好', '的', '。', '，', '！', '：', ' ', '\n', '（', '）');
  const ordinary = fc.oneof(
    chinese,
    fc.integer({ min: 0, max: 9999 }).map(String),
    fc.tuple(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 })).map(([a, b]) => `${a}.${b}`),
    fc.tuple(fc.nat(9), fc.nat(20), fc.nat(20)).map(([a, b, c]) => `v${a}.${b}.${c}`),
    fc.constantFrom('e.g.', 'i.e.', 'etc.', 'a.m.', 'U.S.', 'Mr.Li', 'No.3', 'OK.', 'Hi.', '例如.txt', '文件.pdf', 'a.jpg', 'notes.txt', 'x.html', 'app.js', 'readme.md'),
  );

  it('finds no address in random ordinary text (numbers, versions, abbreviations, file names)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(ordinary, chinese), { maxLength: 30 }).map((xs) => xs.flat().join('')), (text) => {
        expect(linksInText(text)).toEqual([]);
      }),
      { numRuns: 3000, seed: 7 },
    );
  });

  const label = fc.stringMatching(/^[a-z][a-z0-9]{1,10}$/);
  const suffix = fc.constantFrom('cn', 'com', 'com.cn', 'net', 'top', 'xyz', 'vip', 'cc', 'co.uk', 'org', 'shop');
  const dot = fc.constantFrom('.', '。', '．', '｡');
  const path = fc.option(fc.stringMatching(/^\/[A-Za-z0-9_-]{0,12}$/), { nil: '' });

  it('finds a random bare address inside Chinese text, with its span and host', () => {
    fc.assert(
      fc.property(fc.array(chinese, { maxLength: 5 }), label, suffix, dot, path, fc.array(chinese, { maxLength: 5 }), (before, name, sfx, d, p, after) => {
        const host = `${name}.${sfx}`;
        const written = `${name}${d}${sfx.replace('.', d)}${p}`;
        const pre = before.join('');
        const text = pre + written + after.join('');
        const links = bareLinksInText(text);
        expect(links).toEqual([{ link: written, start: pre.length, end: pre.length + written.length }]);
        expect(parseLink(links[0].link)?.host).toBe(host);
        expect(textMayHoldLinks(text)).toBe(true);
      }),
      { numRuns: 1000, seed: 11 },
    );
  });

  it('never finds an address that the quick test rules out', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'grapheme', maxLength: 40 }),
          fc.string({ unit: fc.constantFrom('a', 'c', 'n', 'w', 'Ｃ', '1', '１', '-', '.', '。', '．', '｡', '/', ':', '@', ' ', '中'), maxLength: 24 }),
        ),
        (text) => {
          if (!textMayHoldLinks(text)) expect(linksInText(text)).toEqual([]);
        },
      ),
      { numRuns: 3000, seed: 3 },
    );
  });
});
