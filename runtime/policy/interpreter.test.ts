import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MessageInput, StateQueries } from './compiled-policy.ts';
import { interpretIr } from './interpreter.ts';
import type { IrPolicySet, IrRule } from '../ir.ts';
import { isLinkAllowed, parseLink, prepareLinkPattern } from '../text/links.ts';
import { normalizeText } from '../text/normalize-reference.ts';
import { isWholeWord, linksInText, textLength } from '../text/text-semantics.ts';

const LOC = { file: 'p.policy', line: 1, column: 1, endLine: 1, endColumn: 1 };

function rule(over: Partial<IrRule>): IrRule {
  return {
    name: 'r',
    loc: LOC,
    owner: null,
    groups: ['g'],
    normalize: ['case', 'width', 'symbols'],
    keywords: [],
    exceptions: [],
    links: [],
    miniprograms: [],
    cards: [],
    announce: null,
    triggers: [{ type: 'keyword', loc: LOC, actions: [{ type: 'recall' }] }],
    ...over,
  };
}

function policy(rules: IrRule[]): IrPolicySet {
  return { version: 1, enterprise: null, profile: 'wecom-4.1.36', enterpriseBlacklist: [], personalBlacklists: [], exempt: [], categories: [], rules, ladders: [], contactQuota: null };
}

const kw = (...texts: string[]) => texts.map((text) => ({ text, wholeWord: false, loc: LOC }));
const state: StateQueries = { recentMessages: () => 1, joinedAt: () => null };

function message(text: string, over: Partial<MessageInput> = {}): MessageInput {
  return { group: 'g', owner: null, sender: { id: 'c', kind: 'customer', identities: [] }, text, links: [], miniprograms: [], cards: [], images: 0, at: 0, ...over };
}

function spans(r: IrRule, text: string) {
  const f = interpretIr(policy([r])).evaluateMessage(message(text), state);
  return f.flatMap((x) => x.evidence.map((e) => ('keyword' in e ? `${e.keyword}@${e.start}-${e.end}` : JSON.stringify(e))));
}

describe('keyword hits', () => {
  it('finds every occurrence, overlapping ones too, in text order', () => {
    expect(spans(rule({ keywords: kw('aa', 'a') }), 'aaa')).toEqual(['aa@0-2', 'a@0-1', 'aa@1-3', 'a@1-2', 'a@2-3']);
  });

  it('maps spans back through skipped symbols, NFKC expansions and combining marks', () => {
    expect(spans(rule({ keywords: kw('加微信') }), '加@@微 信')).toEqual(['加微信@0-6']);
    expect(spans(rule({ keywords: kw('kg') }), 'x㎏y')).toEqual(['kg@1-2']);
    expect(spans(rule({ keywords: kw('é') }), 'cafe\u0301!')).toEqual(['é@3-5']);
    expect(spans(rule({ keywords: kw('i') }), 'ⅲ')).toEqual(['i@0-1']);
  });

  it('never matches a keyword that normalises to nothing', () => {
    expect(spans(rule({ keywords: kw('!!!') }), 'hello!!!')).toEqual([]);
  });

  it('suppresses hits inside exception phrases, matched on normalised text', () => {
    const r = rule({ keywords: kw('口交'), exceptions: ['路口交通'] });
    expect(spans(r, '路 口-交 通')).toEqual([]);
    expect(spans(r, '路口交通 口交')).toEqual(['口交@5-7']);
  });

  it('treats `*` inside a keyword as a literal (removed by `symbols`)', () => {
    expect(spans(rule({ keywords: kw('a*b') }), 'xaby')).toEqual(['a*b@1-3']);
    expect(spans(rule({ normalize: ['none'], keywords: kw('a*b') }), 'xaby a*b')).toEqual(['a*b@5-8']);
  });
});

describe('other triggers', () => {
  it('reports every off-whitelist link, mini-program and card with its index', () => {
    const r = rule({
      links: [{ pattern: '*.acme.cn', scheme: null, host: 'acme.cn', subdomains: true, pathPrefix: null }],
      miniprograms: ['wx1'],
      cards: ['ok'],
      triggers: [
        { type: 'link', loc: LOC, actions: [] },
        { type: 'miniprogram', loc: LOC, actions: [] },
        { type: 'card', loc: LOC, actions: [] },
      ],
    });
    const f = interpretIr(policy([r])).evaluateMessage(message('see http://x.cn/a', { links: ['https://a.acme.cn', 'bad'], miniprograms: ['wx2', 'wx1'], cards: ['ok', 'no'] }), state);
    expect(f.map((x) => [x.trigger, x.evidence])).toEqual([
      ['link', [{ link: 'bad', index: 1 }, { link: 'http://x.cn/a', start: 4, end: 17 }]],
      ['miniprogram', [{ miniprogram: 'wx2', index: 0 }]],
      ['card', [{ card: 'no', index: 1 }]],
    ]);
  });

  it('fires flood only above the count, length only above the maximum', () => {
    const r = rule({
      triggers: [
        { type: 'flood', count: 3, windowMs: 1000, loc: LOC, actions: [] },
        { type: 'length', max: 2, loc: LOC, actions: [] },
      ],
    });
    const p = interpretIr(policy([r]));
    const at = (n: number): StateQueries => ({ recentMessages: () => n, joinedAt: () => null });
    expect(p.evaluateMessage(message('ab'), at(3))).toEqual([]);
    expect(p.evaluateMessage(message('a😀c'), at(4)).map((f) => f.evidence[0])).toEqual([
      { count: 4, limit: 3, windowMs: 1000 },
      { length: 3, max: 2 },
    ]);
  });

  it('evaluates rules in IR order and lists the rules of a group', () => {
    const p = interpretIr(policy([rule({ name: 'a', keywords: kw('x') }), rule({ name: 'b', keywords: kw('x'), groups: ['g', 'h'] })]));
    expect(p.evaluateMessage(message('x'), state).map((f) => f.rule)).toEqual(['a', 'b']);
    expect(p.rulesForGroup('h')).toEqual(['b']);
    expect(p.rulesForGroup('nope')).toEqual([]);
  });
});

describe('text rules', () => {
  it('maps every normalised unit to a non-empty span, in order, on any text and steps', () => {
    const steps = fc.subarray(['case', 'width', 'symbols', 'traditional', 'confusables'] as const);
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: 'grapheme-composite', maxLength: 20 })), steps, (text, st) => {
        const n = normalizeText(text, st);
        expect(n.starts.length).toBe(n.text.length);
        for (let k = 0; k < n.text.length; k++) {
          expect(n.starts[k]).toBeLessThan(n.ends[k]);
          expect(n.ends[k]).toBeLessThanOrEqual(text.length);
          if (k > 0) expect(n.starts[k]).toBeGreaterThanOrEqual(n.starts[k - 1]);
        }
        // Normalising twice changes nothing more.
        expect(normalizeText(n.text, st).text).toBe(n.text);
      }),
      { numRuns: 500 },
    );
  });

  it('normalises with a map into the original text', () => {
    const n = normalizeText('Ａ-b\u200Bc', ['case', 'width', 'symbols']);
    expect(n.text).toBe('abc');
    expect([...n.starts]).toEqual([0, 2, 4]);
    expect([...n.ends]).toEqual([1, 3, 5]);
    expect(normalizeText('頭髮', ['traditional']).text).toBe('头发');
    expect(normalizeText('раypal', ['confusables']).text).toBe('paypal');
  });

  it('decides whole words on the original text', () => {
    expect(isWholeWord('Essex', 2, 5, false, false)).toBe(false);
    expect(isWholeWord('中sex中', 1, 4, false, false)).toBe(true);
    expect(isWholeWord('sexé', 0, 3, false, false)).toBe(false);
    expect(isWholeWord('sexy', 0, 3, false, true)).toBe(true);
    expect(isWholeWord('𝐀sex', 2, 5, false, false)).toBe(true);
  });

  it('counts code points and finds addresses in text', () => {
    expect(textLength('a😀b')).toBe(3);
    expect(textLength('\uD800x')).toBe(2);
    expect(linksInText('见https://a.cn/x。和 HTTP://B.cn/y?z=1, 完')).toEqual([
      { link: 'https://a.cn/x', start: 1, end: 15 },
      { link: 'HTTP://B.cn/y?z=1', start: 18, end: 35 },
    ]);
    expect(linksInText('https:// nothing')).toEqual([]);
  });

  it('parses links like a browser and matches whitelists', () => {
    const w = [
      prepareLinkPattern({ pattern: 'https://shop.acme.cn/sale/*', scheme: 'https', host: 'shop.acme.cn', subdomains: false, pathPrefix: '/sale/' }),
      prepareLinkPattern({ pattern: '*.acme.cn', scheme: null, host: 'acme.cn', subdomains: true, pathPrefix: '/菜单' }),
    ];
    expect(isLinkAllowed('https://shop.acme.cn/sale/1', w)).toBe(true);
    expect(isLinkAllowed('https://shop.acme.cn/other', w)).toBe(false);
    expect(isLinkAllowed('x.acme.cn/%E8%8F%9C%E5%8D%95/1', w)).toBe(true);
    expect(isLinkAllowed('http://x.acme.cn/菜单', w)).toBe(true);
    expect(parseLink('acme.cn:8080/x')).toEqual({ scheme: 'http', host: 'acme.cn', path: '/x' });
    expect(parseLink('mailto:a@acme.cn')).toBeNull();
    expect(parseLink('http://[::1')).toBeNull();
    expect(parseLink('https://ACME.cn./')).toEqual({ scheme: 'https', host: 'acme.cn', path: '/' });
  });
});
