// `hush run --format human`: the decision in the policy's words, times in --tz (default the policy
// set's timezone, else +08:00), hostile text escaped; the JSON lines stay as they were.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRun } from '../commands/run.ts';
import type { CliIO } from '../io.ts';
import { BAD_TZ, parseTimeZone } from './time-zone.ts';
import { decisionLine } from './decision-human.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hush-run-human-'));
  writeFileSync(
    join(dir, 'p.policy'),
    [
      'rule "ads" {',
      '  owner member "m"',
      '  groups "g-1"',
      '  keywords "加微信"',
      '  when keyword then recall, record harassment',
      '  when flood 2 in 10s then mute 30m',
      '}',
      'ladder "customers" {',
      '  for customers',
      '  counts harassment',
      '  step 1: mute for 1h',
      '}',
      'ladder "members" {',
      '  counts harassment',
      '  step 1: suspend interop for 1h, appealable',
      '}',
      '',
    ].join('\n'),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const msg = (sender: string, text: string, at: string) => JSON.stringify({ type: 'message', group: 'g-1', sender: { id: sender, kind: 'customer' }, text, at });

async function run(lines: string[], opts: { format?: 'jsonl' | 'human'; tz?: string } = {}): Promise<string[]> {
  const out: string[] = [];
  const io: CliIO = { stdout: (s) => out.push(s), stderr: () => {}, isTTY: false, cwd: dir };
  await runRun('p.policy', { ...opts, engine: 'interpreter' }, io, Readable.from([lines.join('\n') + '\n']));
  return out.join('').trimEnd().split('\n');
}

const EVENTS = [
  msg('c-1', '加微信', '2026-11-23T10:00:00Z'),
  msg('c-1', 'hi', '2026-11-23T10:30:00Z'),
  msg('c-2', 'a', '2026-11-23T10:00:00Z'),
  msg('c-2', 'b', '2026-11-23T10:00:01Z'),
  msg('c-2', 'c', '2026-11-23T10:00:02Z'),
  '{"type":"violation","id":"v-1","subject":"m-1","category":"harassment","at":"2026-11-01T00:00:00Z"}',
  '{"type":"appeal","subject":"m-1","at":"2026-11-01T00:10:00Z"}',
  'not json',
];

describe('hush run --format human', () => {
  it('says each decision in the policy\'s words, times at +08:00 by default', async () => {
    expect(await run(EVENTS, { format: 'human' })).toEqual([
      'line 1: not allowed; recall, record harassment; fired ads/keyword; recorded harassment; customers step 1: mute for 1h until 2026-11-23 19:00:00 +08:00',
      'line 2: not allowed; muted until 2026-11-23 19:00:00 +08:00',
      'line 3: allowed',
      'line 4: allowed',
      'line 5: not allowed; mute 30m (until 2026-11-23 18:30:02 +08:00); fired ads/flood',
      'line 6: not allowed; members step 1: suspend interop for 1h until 2026-11-01 09:00:00 +08:00, appealable',
      'line 7: allowed; appeal granted (step 1 of ladder `members` is appealable); members step 1: suspend interop for 1h until 2026-11-01 09:00:00 +08:00, appealable, lifted 2026-11-01 08:10:00 +08:00 (appeal)',
      'line 8: error hush/event/bad-json: the line is not valid JSON',
    ]);
  });

  it('shows times in --tz, and leaves the JSON lines in UTC whatever --tz says', async () => {
    expect((await run(EVENTS.slice(0, 1), { format: 'human', tz: 'Z' }))[0]).toContain('until 2026-11-23 11:00:00 +00:00');
    const json = await run(EVENTS.slice(0, 1), { tz: 'Asia/Kolkata' });
    expect(JSON.parse(json[0]).sanctions[0].until).toBe('2026-11-23T11:00:00.000Z');
    await expect(run(EVENTS, { format: 'human', tz: 'Mars/Base' })).rejects.toThrow(BAD_TZ);
  });

  it('prints text from events as text, never as control sequences', () => {
    const line = decisionLine(1, JSON.stringify({ allowed: false, actions: [{ type: 'warn', text: 'x\u001b[2Jy\nz' }], matches: [{ rule: 'r\u0007', trigger: 'keyword' }] }), parseTimeZone('Z'));
    expect(line).not.toMatch(/[\u0000-\u001f\u007f]/);
    expect(line.split('\n')).toHaveLength(1);
  });
});
