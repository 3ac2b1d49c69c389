// Hover in customer ladders: `mute`, `remove` and `blacklist` in a `for customers` ladder's steps
// are customer sanctions (mute may be forever there), not the rule actions of the same names, and
// the `for` line says whom the ladder counts.
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../language/index.ts';
import { hover } from './hover.ts';

function hoverAt(marked: string): string | undefined {
  const offset = marked.indexOf('<|>');
  const text = marked.replace('<|>', '');
  return hover(text, parsePolicy(text, 'p.policy').ast, 'p.policy', offset, undefined)?.markdown;
}

const ladder = (step: string) => `ladder "l" {\n  for customers\n  counts fraud\n  step 1: ${step}\n}\n`;

describe('hover in customer ladders', () => {
  it('reads the sanctions of a step as customer sanctions', () => {
    expect(hoverAt(ladder('mu<|>te forever'))).toContain("the customer's messages in the group of the violation are not allowed");
    expect(hoverAt(ladder('rem<|>ove'))).toContain('removes the customer from the group');
    expect(hoverAt(ladder('remove, black<|>list personal'))).toContain("on the group owner's personal blacklist");
  });

  it('keeps the rule actions of the same names as they were', () => {
    const rule = 'rule "r" {\n  owner member "m"\n  groups "g"\n  keywords "x"\n  when keyword then mu<|>te 10m\n}\n';
    expect(hoverAt(rule)).toContain('never `forever`');
  });

  it('explains the `for` line', () => {
    expect(hoverAt('ladder "l" {\n  f<|>or customers\n  counts fraud\n  step 1: mute for 1h\n}\n')).toContain('Whose violations the ladder counts');
    expect(hoverAt('ladder "l" {\n  for custo<|>mers\n  counts fraud\n  step 1: mute for 1h\n}\n')).toContain("customers' messages");
  });
});
