// `hush serve --watch`: a change in the policy folder reloads once, debounced; a change in a
// hidden folder (`.hush/`) does not; after `close` no reload starts, even one already waiting.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { watchPolicy } from './serve.ts';

const dir = mkdtempSync(join(tmpdir(), 'hush-watch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));

describe('watchPolicy', () => {
  it('reloads once for a burst of changes, never for a hidden folder', async () => {
    mkdirSync(join(dir, '.hush'), { recursive: true });
    let reloads = 0;
    const w = watchPolicy(dir, () => reloads++)!;
    await pause(100);
    writeFileSync(join(dir, '.hush', 'state.db'), 'x');
    await pause(500);
    expect(reloads).toBe(0);
    for (let i = 0; i < 5; i++) writeFileSync(join(dir, 'a.policy'), `# ${i}\n`);
    await pause(800);
    expect(reloads).toBe(1);
    w.close();
  });

  it('starts no reload after close, even one waiting out its debounce', async () => {
    let reloads = 0;
    const w = watchPolicy(dir, () => reloads++)!;
    await pause(100);
    writeFileSync(join(dir, 'b.policy'), '# b\n');
    await pause(50);
    w.close();
    await pause(600);
    expect(reloads).toBe(0);
  });
});
