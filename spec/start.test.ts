// `npm start`, the main job of the README, as a user runs it: it checks and compiles every
// example policy set, decides the sample stream on the embedded SQLite store, and shows the
// sanctions still in the reopened state file.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');

describe('npm start', () => {
  it('runs the tour to the end', async () => {
    const r = await new Promise<{ status: number; stdout: string }>((done) => {
      execFile(process.execPath, [join(ROOT, 'bin/run-ts.js'), 'scripts/start.ts'], { cwd: ROOT, maxBuffer: 16 << 20 }, (e, stdout) =>
        done({ status: e ? (typeof e.code === 'number' ? e.code : -1) : 0, stdout: String(stdout) }),
      );
    });
    expect(r.stdout).not.toContain('An example has errors');
    expect(r.status).toBe(0);
    for (const name of ['education', 'penalties', 'restaurant', 'retail']) expect(r.stdout).toMatch(new RegExp(`${name}\\s+0 errors`));
    expect(r.stdout).toMatch(/SQLite store \.hush\/start\/state\.db/);
    expect(r.stdout).toMatch(/a replay: already recorded, nothing applied twice/);
    const reopened = r.stdout.slice(r.stdout.indexOf('4. Reopened'));
    expect(reopened).toMatch(/zhao\.min\s+suspend-interop \(interop-abuse step 3\) until forever/);
    expect(reopened).toMatch(/qian\.li\s+ban-member \(interop-abuse step severe\)/);
  }, 120_000);
});
