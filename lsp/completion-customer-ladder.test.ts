// Completion in customer ladders: the grammar offers `for customers|members` in a ladder body and
// the customer sanctions beside the member ones after `step N:`.
import { describe, expect, it } from 'vitest';
import { complete } from './completion.ts';

function positionOf(text: string, offset: number) {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

function labelsAt(marked: string): string[] {
  const offset = marked.indexOf('<|>');
  const text = marked.replace('<|>', '');
  return complete({ text, offset, positions: { positionAt: (o: number) => positionOf(text, o) } }).map((i) => i.label);
}

describe('completion of customer ladders', () => {
  it('offers the customer sanctions after `step N:`', () => {
    expect(labelsAt('ladder "l" {\n  for customers\n  counts fraud\n  step 1: <|>\n}\n')).toEqual(expect.arrayContaining(['mute', 'remove', 'blacklist']));
  });

  it('offers the blacklists after `blacklist` and the subjects after `for`', () => {
    expect(labelsAt('ladder "l" {\n  step 1: blacklist <|>\n}\n').sort()).toEqual(['enterprise', 'personal']);
    expect(labelsAt('ladder "l" {\n  for <|>\n}\n')).toEqual(expect.arrayContaining(['customers', 'members']));
  });
});
