// `--tz` (render/time-zone.ts): what it accepts, how an instant is written in a zone, and that it
// changes the human output of `hush sanctions` and `hush explain` while their JSON stays UTC.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExplain } from '../commands/explain.ts';
import { runRun } from '../commands/run.ts';
import { runSanctions } from '../commands/sanctions.ts';
import { UsageError, type CliIO } from '../io.ts';
import { BAD_TZ, parseTimeZone, timeText, timeZoneFor } from './time-zone.ts';

const T = Date.parse('2026-11-01T00:00:00Z');

describe('parseTimeZone and timeText', () => {
  it('defaults to +08:00 and reads offsets, Z and IANA names', () => {
    expect(timeText(T, parseTimeZone(undefined))).toBe('2026-11-01 08:00:00 +08:00');
    expect(timeText(T, parseTimeZone('Z'))).toBe('2026-11-01 00:00:00 +00:00');
    expect(timeText(T + 5, parseTimeZone('-05:30'))).toBe('2026-10-31 18:30:00.005 -05:30');
    // New York is on daylight saving time until the first Sunday of November.
    expect(timeText(T, parseTimeZone('America/New_York'))).toBe('2026-10-31 20:00:00 -04:00');
    expect(timeText(Date.parse('2026-11-02T00:00:00Z'), parseTimeZone('America/New_York'))).toBe('2026-11-01 19:00:00 -05:00');
  });

  it('without --tz, takes the policy set\'s offset when it has one', () => {
    expect(timeText(T, timeZoneFor(undefined, 540))).toBe('2026-11-01 09:00:00 +09:00');
    expect(timeText(T, timeZoneFor(undefined, undefined))).toBe('2026-11-01 08:00:00 +08:00');
    expect(timeText(T, timeZoneFor('Z', 540))).toBe('2026-11-01 00:00:00 +00:00');
  });

  it('refuses anything else with hush/cli/bad-tz', () => {
    for (const bad of ['+15:00', '+08:60', 'Mars/Olympus', '8', '', '../../etc']) {
      expect(() => parseTimeZone(bad), bad).toThrow(UsageError);
      expect(() => parseTimeZone(bad), bad).toThrow(BAD_TZ);
    }
  });
});

let dir: string;
const io = (): CliIO & { out: string[] } => {
  const out: string[] = [];
  return { out, stdout: (s) => out.push(s), stderr: () => {}, isTTY: false, cwd: dir };
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hush-tz-'));
  writeFileSync(join(dir, 'ladder.policy'), 'ladder "abuse" {\n  counts harassment\n  step 1: suspend interop for 1h, appealable\n}\n');
  writeFileSync(
    join(dir, 'night.policy'),
    'quota contact-add {\n  daily 100\n  timezone "+09:00"\n}\nrule "night" {\n  owner member "m"\n  groups "g-1"\n  keywords "加微信"\n  during 22:00-07:00\n  exempt customers "c-vip"\n  when keyword then recall\n}\n',
  );
  writeFileSync(join(dir, 'flood.policy'), 'rule "ads" {\n  groups "g-1"\n  keywords "加微信"\n  when flood 2 in 10s then mute 30m\n}\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--tz changes the human output, never the JSON', () => {
  it('hush sanctions', async () => {
    const event = { type: 'violation', id: 'v-1', subject: 'm-1', category: 'harassment', at: '2026-11-01T00:00:00Z' };
    expect(await runRun('ladder.policy', { store: 'sqlite:state.db' }, io(), Readable.from([`${JSON.stringify(event)}\n`]))).toBe(0);
    const sanctions = async (tz: string | undefined, format: 'human' | 'json' = 'human') => {
      const x = io();
      expect(await runSanctions(['m-1'], { store: 'sqlite:state.db', at: '2026-11-01T00:30:00Z', format, tz }, x)).toBe(0);
      return x.out.join('');
    };
    const china = await sanctions(undefined);
    expect(china).toContain('m-1: 1 sanction in force at 2026-11-01 08:30:00 +08:00\n');
    expect(china).toContain('from 2026-11-01 08:00:00 +08:00 until 2026-11-01 09:00:00 +08:00 (1h)');
    const utc = await sanctions('Z');
    expect(utc).toContain('m-1: 1 sanction in force at 2026-11-01 00:30:00 +00:00\n');
    expect(utc).toContain('from 2026-11-01 00:00:00 +00:00 until 2026-11-01 01:00:00 +00:00 (1h)');
    expect(await sanctions('Asia/Kolkata')).toContain('from 2026-11-01 05:30:00 +05:30 until 2026-11-01 06:30:00 +05:30 (1h)');
    const json = JSON.parse(await sanctions('Asia/Kolkata', 'json'));
    expect(json.at).toBe('2026-11-01T00:30:00.000Z');
    expect(json.sanctions['m-1'][0]).toMatchObject({ from: '2026-11-01T00:00:00.000Z', until: '2026-11-01T01:00:00.000Z' });
    await expect(runSanctions(['m-1'], { store: 'sqlite:state.db', format: 'human', tz: 'nowhere/at-all' }, io())).rejects.toThrow(BAD_TZ);
  });

  it('hush explain', async () => {
    // Three messages in ten seconds mute the sender for 30 minutes; the fourth is explained.
    const msg = (at: string) => JSON.stringify({ type: 'message', group: 'g-1', sender: { id: 'c-1', kind: 'customer' }, text: 'hi', at });
    writeFileSync(join(dir, 'history.jsonl'), ['2026-11-23T10:00:00Z', '2026-11-23T10:00:01Z', '2026-11-23T10:00:02Z'].map(msg).join('\n') + '\n');
    const explain = async (tz: string | undefined, format: 'human' | 'json' = 'human') => {
      const x = io();
      const o = { group: 'g-1', sender: 'c-1', text: 'hi', at: '2026-11-23T10:00:05Z', history: 'history.jsonl', format, tz, engine: 'interpreter' as const };
      expect(await runExplain('flood.policy', o, x)).toBe(0);
      return x.out.join('');
    };
    expect(await explain(undefined)).toContain('why: the sender is muted in this group until 2026-11-23 18:30:02 +08:00');
    expect(await explain('-03:00')).toContain('why: the sender is muted in this group until 2026-11-23 07:30:02 -03:00');
    expect(JSON.parse(await explain('-03:00', 'json')).decision.muted).toEqual({ until: '2026-11-23T10:30:02.000Z' });
  });

  it('hush explain defaults to the policy set\'s timezone and says which rules a window or an exemption kept out', async () => {
    const explain = async (sender: string, at: string, format: 'human' | 'json' = 'human') => {
      const x = io();
      expect(await runExplain('night.policy', { group: 'g-1', sender, text: '加微信', at, format, engine: 'interpreter' }, x)).toBe(0);
      return x.out.join('');
    };
    // 14:00Z is 23:00 at +09:00: inside the night window; the muted-until style times show +09:00.
    const night = await explain('c-1', '2026-11-23T14:00:00Z');
    expect(night).toContain('decision: not allowed');
    expect(night).not.toContain('not applied');
    // 03:00Z is 12:00 at +09:00: outside the window.
    const noon = await explain('c-1', '2026-11-23T03:00:00Z');
    expect(noon).toContain('decision: allowed');
    expect(noon).toContain("rule night: not applied: the message is outside the rule's `during` windows");
    const vip = await explain('c-vip', '2026-11-23T14:00:00Z');
    expect(vip).toContain('rule night: not applied: the rule exempts the sender (its `exempt customers`)');
    expect(JSON.parse(await explain('c-1', '2026-11-23T03:00:00Z', 'json')).notApplied).toEqual([{ rule: 'night', reason: 'window' }]);
  });
});
