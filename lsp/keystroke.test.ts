// A keystroke's work grows at most linearly with the document (trust issue, item 16: "blocking
// ~10 s per keystroke on a 98 KB file"). Timings are compared between n and 4n in the same
// process, keystrokes alternating between the two so that a busy machine slows both alike, best
// of several, with a generous bound (linear gives about 4x, quadratic 16x), and the work the
// language server itself does is counted: one keystroke re-parses one declaration, whatever the
// size. bench/lsp-keystroke.bench.ts shows the figures over JSON-RPC.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Workspace } from './policy-sets.ts';
import { bigPolicy, keywordListSet, type BigSet } from './testing/big-policy.ts';
import { textDocument, uriOf } from './testing/lsp-client.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The set written to a temporary folder, and a workspace over it. */
function workspaceOf(set: BigSet): { dir: string; ws: Workspace } {
  const dir = mkdtempSync(join(tmpdir(), 'hush-keystroke-'));
  dirs.push(dir);
  for (const [rel, text] of Object.entries(set.files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  const ws = new Workspace();
  ws.folders = [dir];
  return { dir, ws };
}

/** A typist over a set's edited file: each `stroke()` types one character and times it. */
interface Typist {
  stroke(): void;
  /** The best time of the keystrokes so far, in ms. */
  best: number;
  /** The chunks parsed by each keystroke. */
  parsed: number[];
}

function typist(set: BigSet): Typist {
  const { dir, ws } = workspaceOf(set);
  const uri = uriOf(join(dir, set.edited));
  let doc = textDocument(uri, 1, set.files[set.edited]);
  const root = ws.update(doc);
  ws.state(root);
  const t: Typist = {
    best: Infinity,
    parsed: [],
    stroke() {
      const i = t.parsed.length;
      const at = { line: set.at.line, character: set.at.character + i };
      const before = ws.parser.parsedChunks;
      const start = performance.now();
      const offset = doc.offsetAt(at);
      const text = doc.getText();
      doc = textDocument(uri, i + 2, text.slice(0, offset) + String(i % 10) + text.slice(offset));
      ws.update(doc);
      const st = ws.state(root);
      t.best = Math.min(t.best, performance.now() - start);
      t.parsed.push(ws.parser.parsedChunks - before);
      expect(st.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(set.edited.endsWith('.policy') ? [] : ['hush/limit/keywords-per-rule']);
    },
  };
  return t;
}

/**
 * Types `keystrokes` characters into each of two sets, alternating between them, so that a busy
 * machine (the suite runs files side by side) slows both alike; the best of each is compared.
 */
function typeBoth(a: BigSet, b: BigSet, keystrokes: number): [Typist, Typist] {
  const ta = typist(a);
  const tb = typist(b);
  for (let i = 0; i < keystrokes; i++) {
    ta.stroke();
    tb.stroke();
  }
  return [ta, tb];
}

describe('keystroke latency', () => {
  it('re-parses one declaration per keystroke, and grows linearly with a policy of many rules', () => {
    const KB = 1024;
    const [small, large] = typeBoth(bigPolicy(40 * KB), bigPolicy(160 * KB), 8);
    expect(small.parsed).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    expect(large.parsed).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    // Linear is about 4x; 10x leaves room for a noisy machine and still fails a quadratic path.
    expect(large.best / Math.max(small.best, 1)).toBeLessThan(10);
  }, 60_000);

  // A rule taking thousands of keywords from a list file: the redundant-keyword lint once
  // compared every keyword with every shorter one (about 1 s per keystroke at 96 KB).
  it('grows linearly with a keyword list file', () => {
    const KB = 1024;
    const [small, large] = typeBoth(keywordListSet(24 * KB), keywordListSet(96 * KB), 8);
    expect(large.best / Math.max(small.best, 1)).toBeLessThan(10);
  }, 120_000);

  it('answers the outline and folding of an edited document from its parse, without checking the set', () => {
    const set = bigPolicy(40 * 1024);
    const { dir, ws } = workspaceOf(set);
    const uri = uriOf(join(dir, set.edited));
    const root = ws.update(textDocument(uri, 1, set.files[set.edited]));
    ws.state(root);
    const checks = ws.checks;
    ws.update(textDocument(uri, 2, set.files[set.edited] + '\nrule "typed-just-now" {\n  owner member "m"\n  groups "g"\n  when flood 3 in 10s then recall\n}\n'));
    const ast = ws.astOf(uri)!;
    expect(ast.declarations.some((d) => d.kind === 'rule' && d.name.value === 'typed-just-now')).toBe(true);
    expect(ws.checks).toBe(checks);
    expect(ws.astOf(uriOf(join(dir, 'not-open.policy')))).toBeUndefined();
  });
});
