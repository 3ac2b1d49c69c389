// Completion in process: the contexts the grammar and the policy set decide, and the long-block
// window (header plus current statement) giving the same answer as the whole declaration.
import { describe, expect, it } from 'vitest';
import { checkPolicySet } from '../compiler/check.ts';
import { complete } from './completion.ts';
import { marked, positionOf } from './testing/markers.ts';

function labelsAt(source: string, extra: Partial<Parameters<typeof complete>[0]> = {}): string[] {
  const m = marked(source);
  const c = m.cursors[0];
  let offset = 0;
  for (let l = 0; l < c.line; l++) offset = m.text.indexOf('\n', offset) + 1;
  offset += c.character;
  return complete({ text: m.text, offset, positions: { positionAt: (o) => positionOf(m.text, o) }, ...extra }).map((i) => i.label);
}

describe('completion', () => {
  it('gives a long block the same answer as a short one', () => {
    const many = Array.from({ length: 2000 }, (_, i) => `"k${i}"`).join(', ');
    const short = labelsAt('rule "r" {\n  keywords "a"\n  when keyword then recall\n  <|>\n}\n');
    const long = labelsAt(`rule "r" {\n  keywords ${many}\n  when keyword then recall\n  <|>\n}\n`);
    expect(long.sort()).toEqual(short.sort());
    expect(long).toContain('when');
    const inLongStatement = labelsAt(`rule "r" {\n  keywords ${many}\n  when flood 5 in <|>\n}\n`);
    expect(inLongStatement).toEqual(expect.arrayContaining(['10s', 'forever']));
  });

  it('offers owners, management rules, members and profiles seen in the set', () => {
    const model = checkPolicySet(['examples/retail']).model;
    expect(labelsAt('rule "x" {\n  owner super-admin "<|>"\n}\n', { model })).toContain('zhang.wei');
    expect(labelsAt('blacklist personal of "<|>', { model })).toEqual(expect.arrayContaining(['li.lei', 'han.mei']));
    expect(labelsAt('limits "<|>"\n')).toEqual(['wecom-4.1.36']);
    expect(labelsAt('enterprise "<|>"\n', { model })).toEqual(['acme-retail']);
  });

  it('offers whole blocks as snippets where a declaration may start, when the client takes snippets', () => {
    expect(labelsAt('<|>', { snippets: true })).toEqual(expect.arrayContaining(['rule block', 'ladder block']));
    expect(labelsAt('<|>')).not.toContain('rule block');
  });

  it('offers the ladder statements for members and a linked account, and what follows them', () => {
    expect(labelsAt('ladder "l" {\n  counts linked-account\n  <|>\n}\n')).toEqual(expect.arrayContaining(['members', 'while', 'step', 'severe']));
    expect(labelsAt('ladder "l" {\n  members <|>\n}\n')).toEqual(['from']);
    expect(labelsAt('ladder "l" {\n  while <|>\n}\n')).toEqual(['linked']);
    expect(labelsAt('ladder "l" {\n  while linked <|>\n}\n')).toEqual(['blocked']);
    expect(labelsAt('ladder "l" {\n  while linked blocked: <|>\n}\n').sort()).toEqual(['ban', 'restore', 'suspend']);
    expect(labelsAt('ladder "l" {\n  while linked blocked: suspend interop, restore <|>\n}\n')).toEqual(['within']);
    expect(labelsAt('ladder "l" {\n  while linked blocked: suspend interop, restore within <|>\n}\n')).toEqual(expect.arrayContaining(['24h', 'forever']));
  });

  it('offers the quota, its kind, its statements and its conditions', () => {
    expect(labelsAt('<|>')).toContain('quota');
    expect(labelsAt('<|>', { snippets: true })).toContain('quota block');
    expect(labelsAt('quota <|>')).toEqual(['contact-add']);
    expect(labelsAt('quota contact-add {\n  <|>\n}\n').sort()).toEqual(['daily', 'lower', 'maximum', 'minimum', 'raise', 'timezone']);
    expect(labelsAt('quota contact-add {\n  raise 10 when <|>\n}\n').sort()).toEqual(['blocks', 'complaints', 'complete', 'compliant', 'deletions', 'not', 'usage']);
    expect(labelsAt('quota contact-add {\n  raise 10 when not <|>\n}\n').sort()).toEqual(['complete', 'compliant']);
    expect(labelsAt('quota contact-add {\n  lower 10 when blocks <|>\n}\n').sort()).toEqual(['over', 'under']);
  });

  it('offers nothing where only a new name may stand', () => {
    expect(labelsAt('category <|>')).toEqual([]);
    expect(labelsAt('rule "<|>')).toEqual([]);
  });
});

describe('completion in a long run of declarations', () => {
  it('feeds only the last declaration, and stays fast', () => {
    const run = Array.from({ length: 5000 }, (_, i) => `blacklist personal of "m-${i}" "c-${i}", "d-${i}"`).join('\n');
    const t0 = performance.now();
    expect(labelsAt(`${run}\n<|>`)).toEqual(expect.arrayContaining(['rule', 'ladder', 'blacklist']));
    expect(labelsAt(`${run}\nblacklist personal of "m" "c", "d", <|>`)).toEqual([]);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});
