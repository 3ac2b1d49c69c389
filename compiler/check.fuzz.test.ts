// Nothing a user can write crashes the checker: random mutations of real policies, random text
// and random YAML go through the whole checker (parse, model, every pass). It must return
// diagnostics with valid ranges, never throw, and never report an internal error.
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkPolicySet } from './check.ts';

const sketch = readFileSync(join(import.meta.dirname, '..', 'spec', 'conformance', '0001-sketch', 'retail.policy'), 'utf8');

// One folder on disk (so list files resolve); each run's text is given as an unsaved overlay.
const dir = mkdtempSync(join(tmpdir(), 'hush-fuzz-'));
mkdirSync(join(dir, 'lists'));
writeFileSync(join(dir, 'lists', 'retail-groups.txt'), 'g-1\ng-2\n');
writeFileSync(join(dir, 'lists', 'vip.txt'), 'vip-1\n');
writeFileSync(join(dir, 'lists', 'enterprise-blacklist.txt'), 'c-1\n');
writeFileSync(join(dir, 'lists', 'li-lei.txt'), 'c-2\n');
const policyPath = join(dir, 'p.policy');
const yamlPath = join(dir, 'p.policy.yaml');
writeFileSync(policyPath, '');
writeFileSync(yamlPath, '');

function checkText(text: string, path = policyPath) {
  const result = checkPolicySet([path], { overlay: new Map([[path, text]]) });
  for (const d of result.diagnostics) {
    expect(d.code).toMatch(/^hush\/[a-z-]+\/[a-z0-9-]+$/);
    expect(d.code.startsWith('hush/internal/'), `${d.code}: ${d.message}`).toBe(false);
    expect(d.range.start.line).toBeGreaterThanOrEqual(1);
    expect(d.range.start.column).toBeGreaterThanOrEqual(1);
    expect(d.range.end.line).toBeGreaterThanOrEqual(d.range.start.line);
  }
  return result;
}

// Tokens of the language, so mutations stay close to real input and reach deep into the checker.
const pieces = ['rule', 'ladder', '{', '}', '"x"', '"g-1"', ',', ':', 'when', 'then', 'keyword', 'link', 'flood', '5', 'in', '10s',
  'mute', '30m', 'forever', 'recall', 'record', 'harassment', 'step', '1', 'suspend', 'interop', 'for', 'ban', 'member', 'counts',
  'keywords', 'groups', 'from', '"lists/vip.txt"', '"../x"', 'allow', 'links', 'owner', 'super-admin', '\n', '#', '"', '\\', '\u2028', '加微信'];

describe('the checker never crashes', () => {
  it('survives random mutations of the sketch', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ at: fc.nat(), del: fc.nat({ max: 12 }), ins: fc.array(fc.constantFrom(...pieces), { maxLength: 4 }) }), { maxLength: 6 }),
        (edits) => {
          let text = sketch;
          for (const e of edits) {
            const at = e.at % (text.length + 1);
            text = text.slice(0, at) + e.ins.join(' ') + text.slice(at + e.del);
          }
          checkText(text);
        },
      ),
      { numRuns: 300, seed: 42 },
    );
  });

  it('survives arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => void checkText(s)), { numRuns: 300, seed: 7 });
  });

  it('survives arbitrary YAML-ish text', () => {
    const yamlPieces = ['rules:', '- rule: a', '  when:', '    - trigger: keyword', '      then: [recall]', 'keywords: [', ']', '{', '}', ': ', '- ', '  ', '\n', '&a', '*a', '!!str', '"', "'", 'ladders:', '  steps:', '123', 'null', '~'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...yamlPieces), { maxLength: 40 }), (xs) => void checkText(xs.join(''), yamlPath)),
      { numRuns: 300, seed: 11 },
    );
  });

  it('reports a missing closing brace at the end of a deep nesting without overflowing', () => {
    const deep = 'rule "a" {\n'.repeat(5000);
    const r = checkText(deep);
    expect(r.diagnostics.some((d) => d.severity === 'error')).toBe(true);
  });
});
