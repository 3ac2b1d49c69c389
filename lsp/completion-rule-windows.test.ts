// Completion of a rule's own exemptions and windows: `exempt` and `during` among a rule's
// statements, then `customers`, `days`, `from` and common windows where each may follow.
import { describe, expect, it } from 'vitest';
import { complete } from './completion.ts';
import { marked, positionOf } from './testing/markers.ts';

function at(source: string) {
  const m = marked(source);
  const c = m.cursors[0];
  let offset = 0;
  for (let l = 0; l < c.line; l++) offset = m.text.indexOf('\n', offset) + 1;
  offset += c.character;
  return complete({ text: m.text, offset, positions: { positionAt: (o) => positionOf(m.text, o) } });
}
const labelsAt = (source: string) => at(source).map((i) => i.label);

describe('completion of rule windows and exemptions', () => {
  it('offers `exempt` and `during` among the statements of a rule, with their docs', () => {
    const items = at('rule "r" {\n  keywords "a"\n  <|>\n}\n');
    expect(items.map((i) => i.label)).toEqual(expect.arrayContaining(['exempt', 'during', 'when', 'keywords']));
    expect(items.find((i) => i.label === 'during')?.detail).toBe('during HH:MM-HH:MM | during days LIST');
  });

  it('offers what follows each word', () => {
    expect(labelsAt('rule "r" {\n  exempt <|>\n}\n')).toEqual(['customers']);
    expect(labelsAt('rule "r" {\n  exempt customers <|>\n}\n')).toEqual(['from']);
    expect(labelsAt('rule "r" {\n  during <|>\n}\n').sort()).toEqual(['09:00-18:00', '12:00-13:00', '22:00-07:00', 'days']);
    expect(labelsAt('rule "r" {\n  during days <|>\n}\n')).toEqual(['from']);
  });

  it('does not offer `during` outside a rule', () => {
    expect(labelsAt('<|>')).not.toContain('during');
    expect(labelsAt('<|>')).toContain('exempt');
  });
});

describe('hover on rule windows', () => {
  it('explains a window of the day and the word `during`', async () => {
    const { parsePolicy } = await import('../language/text-to-ast.ts');
    const { hover } = await import('./hover.ts');
    const text = 'rule "r" {\n  during 22:00-07:00\n}\n';
    const ast = parsePolicy(text, 'p.policy').ast;
    expect(hover(text, ast, 'p.policy', text.indexOf('22:00') + 2, undefined)?.markdown).toBe(
      "**22:00-07:00**: from 22:00 to 07:00 (end excluded), across midnight, in the policy set's time zone",
    );
    expect(hover(text, ast, 'p.policy', text.indexOf('during') + 1, undefined)?.markdown).toContain('during HH:MM-HH:MM');
  });
});
