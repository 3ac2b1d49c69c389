// Hand-made diagnostics and sources shared by the renderers' golden tests. They cover what a
// renderer can get wrong: Chinese text before and under a range, a tab, a range over several
// lines, a zero-width range at the end of a line, a list-file entry (no offset), a file that
// cannot be read, related locations, control characters and a very long line.
import { diagnostic, type Diagnostic, type Range } from '../../language/diagnostic.ts';
import { LineIndex } from '../../language/line-index.ts';

export const SHOP = [
  '# 零售 shop rules',
  'rule "retail-ads" {',
  '  keywords "加微信", "代购", "优惠券"',
  '\tgroups "g-1"',
  '  when keyword then warn "请勿发送广告", remove',
  '  when flood 5 in 10x then mute 30m',
  '}',
  'rule "retail-ads" {',
  '  when link then recall',
  '',
].join('\n');

export const LONG = `rule "long" { keywords ${Array.from({ length: 60 }, (_, i) => `"k${i}"`).join(', ')}, "错误" }\n`;

export const VIP = ['# VIP customers', 'vip-1', 'vip-1', ''].join('\r\n');

export const SOURCES = new Map<string, string>([
  ['examples/shop.policy', SHOP],
  ['examples/lists/vip.txt', VIP],
  ['examples/long.policy', LONG],
]);

export const getSource = (file: string) => SOURCES.get(file);

/** The range of `needle` (its n-th occurrence) in a source, with real offsets. */
function find(file: string, needle: string, nth = 0, length = needle.length): Range {
  const text = SOURCES.get(file)!;
  let at = -1;
  for (let i = 0; i <= nth; i++) at = text.indexOf(needle, at + 1);
  if (at < 0) throw new Error(`fixture: ${needle} not in ${file}`);
  return new LineIndex(text).range(at, at + length);
}

/** A range on one line of a list file, where offsets are not known. */
const listLine = (line: number, from: number, to: number): Range => ({
  start: { line, column: from, offset: -1 },
  end: { line, column: to, offset: -1 },
});

const idx = new LineIndex(SHOP);

export const DIAGNOSTICS: Diagnostic[] = [
  diagnostic('hush/lint/keyword-contains-keyword', 'warning', 'keyword "代购" is also a keyword of rule "retail-ads"', 'examples/shop.policy', find('examples/shop.policy', '"代购"'), {
    help: 'remove one of the two keywords',
    related: [{ file: 'examples/shop.policy', range: find('examples/shop.policy', '"加微信"'), message: 'the other keyword' }],
  }),
  diagnostic('hush/check/unknown-name', 'error', 'unknown group list "g-1"', 'examples/shop.policy', find('examples/shop.policy', '"g-1"')),
  diagnostic('hush/parse/bad-duration', 'error', 'bad duration "10x"', 'examples/shop.policy', find('examples/shop.policy', '10x'), {
    help: 'write a number and a unit: 10s, 5m, 2h, 1d',
  }),
  diagnostic('hush/check/duplicate-name', 'error', 'rule "retail-ads" is declared twice', 'examples/shop.policy', idx.range(SHOP.lastIndexOf('rule "retail-ads"'), SHOP.length - 1), {
    related: [{ file: 'examples/shop.policy', range: find('examples/shop.policy', '"retail-ads"'), message: 'first declared here' }],
  }),
  diagnostic('hush/parse/expected-token', 'error', 'expected `}` to close rule "retail-ads"', 'examples/shop.policy', idx.range(SHOP.length - 1, SHOP.length - 1)),
  diagnostic('hush/check/rule-spans-lines', 'info', 'the first rule spans lines 2 to 7', 'examples/shop.policy', idx.range(SHOP.indexOf('rule "'), SHOP.indexOf('}') + 1)),
  diagnostic('hush/lint/duplicate-entry', 'warning', 'customer "vip-1" is listed twice', 'examples/lists/vip.txt', listLine(3, 1, 6), {
    related: [{ file: 'examples/lists/vip.txt', range: listLine(2, 1, 6), message: 'first listed here' }],
  }),
  diagnostic('hush/list/missing-file', 'error', 'cannot read list file "lists/gone.txt"', 'examples/lists/gone.txt', listLine(1, 1, 1)),
  diagnostic('hush/check/odd\u001b[31m', 'hint', 'a message with a control character \u001b[2J and a, comma: colon', 'examples/long.policy', find('examples/long.policy', '"错误"')),
];
