// The grammar's normalisation step names (language/builtins.ts, which imports nothing of ours)
// mapped onto the runtime's (runtime/text/normalize-steps.ts), checked by the compiler both ways,
// so the IR gets a rule's steps without a cast. normalize-steps.test.ts also holds the two
// lists equal at run time.
import type { NormalizeStep } from '../../language/builtins.ts';
import type { NormalizeStep as RuntimeNormalizeStep } from '../../runtime/text/normalize-steps.ts';

/**
 * Each grammar step onto the runtime step of the same name. `satisfies` makes a step the grammar
 * has and the runtime lacks a compile error; `StepsCovered`, a step the runtime has and the
 * grammar lacks.
 */
export const NORMALIZE_STEP_TO_RUNTIME = {
  none: 'none',
  case: 'case',
  width: 'width',
  symbols: 'symbols',
  traditional: 'traditional',
  confusables: 'confusables',
  variants: 'variants',
} as const satisfies { readonly [S in NormalizeStep]: S & RuntimeNormalizeStep };
type StepsCovered = Exclude<RuntimeNormalizeStep, (typeof NORMALIZE_STEP_TO_RUNTIME)[NormalizeStep]> extends never ? true : false;
const stepsCovered: StepsCovered = true;
void stepsCovered;

/** A rule's steps as the runtime names them. */
export function stepsToRuntime(steps: readonly NormalizeStep[]): RuntimeNormalizeStep[] {
  return steps.map((s) => NORMALIZE_STEP_TO_RUNTIME[s]);
}
