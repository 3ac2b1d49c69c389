// The grammar's list of normalisation steps and the runtime's must be one list: the compiler
// checks the mapping between them both ways (normalize-steps.ts); this holds the lists equal.
import { describe, expect, it } from 'vitest';
import { NORMALIZE_STEPS } from '../../language/builtins.ts';
import { NORMALIZE_STEP_NAMES } from '../../runtime/text/normalize-steps.ts';
import { NORMALIZE_STEP_TO_RUNTIME, stepsToRuntime } from './normalize-steps.ts';

describe('normalisation steps', () => {
  it('the grammar and the runtime name the same steps', () => {
    expect(Object.keys(NORMALIZE_STEPS).sort()).toEqual([...NORMALIZE_STEP_NAMES].sort());
  });

  it('every grammar step maps onto the runtime step of the same name', () => {
    for (const [from, to] of Object.entries(NORMALIZE_STEP_TO_RUNTIME)) expect(to).toBe(from);
    expect(Object.keys(NORMALIZE_STEP_TO_RUNTIME).sort()).toEqual(Object.keys(NORMALIZE_STEPS).sort());
    expect(stepsToRuntime(['case', 'width', 'symbols'])).toEqual(['case', 'width', 'symbols']);
  });
});
