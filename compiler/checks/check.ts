// The shape of a check: a function over the checked model that reports through `accept`.
import type { Diagnostic, Range, RelatedInformation, Severity } from '../../language/diagnostic.ts';
import { diagnostic } from '../../language/diagnostic.ts';
import type { Loc, PolicySetModel } from '../model/model.ts';

export type Accept = (d: Diagnostic) => void;
export type Check = (model: PolicySetModel, accept: Accept) => void;

/** Builds a diagnostic at a model location. */
export function at(
  loc: Loc,
  code: string,
  severity: Severity,
  message: string,
  extra: { help?: string; related?: RelatedInformation[] } = {},
): Diagnostic {
  return diagnostic(code, severity, message, loc.file, loc.range, extra);
}

export function locOf(file: string, n: { range: Range }): Loc {
  return { file, range: n.range };
}
