// `policySetToIr`: checks a policy set and, when it has no error, lowers it to the IR. Also the
// IR's canonical JSON text (`irToJson`), the form `hush compile --emit ir` prints and the input
// of the content hash that generated code carries.
import { createHash } from 'node:crypto';
import type { Diagnostic } from '../../language/diagnostic.ts';
import type { IrPolicySet } from '../../runtime/ir.ts';
import { checkPolicySet, type CheckOptions, type CheckResult } from '../check.ts';
import { modelToIr } from './model-to-ir.ts';

export interface PolicySetToIrResult {
  /** null when the set has an error (the diagnostics say which). */
  ir: IrPolicySet | null;
  diagnostics: Diagnostic[];
  check: CheckResult;
}

export function policySetToIr(paths: string[], options: CheckOptions = {}): PolicySetToIrResult {
  const check = checkPolicySet(paths, options);
  const failed = check.diagnostics.some((d) => d.severity === 'error') || check.files.length === 0;
  return { ir: failed ? null : modelToIr(check.model), diagnostics: check.diagnostics, check };
}

/** Sorts object keys recursively (arrays keep their order: the IR has already sorted them). */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = canonical((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}

/** The canonical JSON text of the IR: keys sorted, two-space indentation, a final newline. */
export function irToJson(ir: IrPolicySet): string {
  return JSON.stringify(canonical(ir), null, 2) + '\n';
}

/** Digests of long string lists, by identity: a list file named by a thousand rules is hashed once. */
const listDigests = new WeakMap<readonly unknown[], string>();

/**
 * The IR with every long list of strings replaced by the digest of its JSON, so that hashing an
 * IR whose rules share a 20,000-group list does not serialise the list a thousand times.
 */
function digested(value: unknown): unknown {
  if (Array.isArray(value)) {
    const known = listDigests.get(value);
    if (known !== undefined) return { list: known, length: value.length };
    if (value.length > 256 && value.every((x) => typeof x === 'string')) {
      let d = listDigests.get(value);
      if (d === undefined) {
        const h = createHash('sha256');
        for (let i = 0; i < value.length; i += 4096) h.update(JSON.stringify(value.slice(i, i + 4096)));
        d = h.digest('hex');
        listDigests.set(value, d);
      }
      return { list: d, length: value.length };
    }
    return value.map(digested);
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = digested((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}

/**
 * A short content hash of the IR (the first 16 hex digits of a SHA-256 over its canonical form,
 * long string lists hashed on their own): equal IRs, equal hashes, whatever their key order.
 */
export function irHash(ir: IrPolicySet): string {
  return createHash('sha256').update(JSON.stringify(digested(ir))).digest('hex').slice(0, 16);
}
