// A keyword matcher's data (runtime/matcher/matcher-data.ts) as sections of a compiled policy's
// data blob, and back: code generation stores each normalisation profile's automaton this way, and
// the runtime support opens it without rebuilding anything.
//
// Sections (prefix `p`): one per typed array of MatcherData (`p.classMap`, `p.delta`, …) and
// `p.meta` (u32): format, class count, layout (0 dense, 1 double-array), state count, pattern
// count. The normalisation steps are not stored: the generated module names each profile's steps.
import type { Blob, SectionArray } from './data-blob.ts';
import type { IrNormalizeStep } from './ir.ts';
import { canonicalSteps } from './matcher/normalize.ts';
import type { MatcherData } from './matcher/matcher-data.ts';

const U16 = ['classMap', 'alphabet', 'alphabetClass', 'depth'] as const;
const I32 = ['delta', 'base', 'check', 'fail', 'exact', 'outputLink', 'patternNext', 'patternLength', 'patternGroup'] as const;
const U8 = ['patternFlags'] as const;

export function matcherSections(prefix: string, data: MatcherData): [string, SectionArray][] {
  const out: [string, SectionArray][] = [
    [`${prefix}.meta`, Uint32Array.of(data.format, data.classCount, data.layout === 'dense' ? 0 : 1, data.stateCount, data.patternCount)],
  ];
  for (const k of U16) out.push([`${prefix}.${k}`, data[k]]);
  for (const k of I32) out.push([`${prefix}.${k}`, data[k]]);
  for (const k of U8) out.push([`${prefix}.${k}`, data[k]]);
  return out;
}

export function matcherFromBlob(blob: Blob, prefix: string, steps: readonly IrNormalizeStep[]): MatcherData {
  const [format, classCount, layout, stateCount, patternCount] = blob.u32(`${prefix}.meta`);
  const u16 = (k: (typeof U16)[number]) => blob.u16(`${prefix}.${k}`);
  const i32 = (k: (typeof I32)[number]) => blob.i32(`${prefix}.${k}`);
  return {
    format: format as MatcherData['format'],
    steps: canonicalSteps(steps),
    classCount,
    classMap: u16('classMap'),
    alphabet: u16('alphabet'),
    alphabetClass: u16('alphabetClass'),
    layout: layout === 0 ? 'dense' : 'double-array',
    stateCount,
    delta: i32('delta'),
    base: i32('base'),
    check: i32('check'),
    fail: i32('fail'),
    depth: u16('depth'),
    exact: i32('exact'),
    outputLink: i32('outputLink'),
    patternCount,
    patternNext: i32('patternNext'),
    patternLength: i32('patternLength'),
    patternFlags: blob.u8(`${prefix}.patternFlags`),
    patternGroup: i32('patternGroup'),
  };
}
