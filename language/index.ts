// The public API of the language front ends. Everything here works on strings and does no I/O.
export type * from './ast.ts';
export * from './diagnostic.ts';
export { LineIndex } from './line-index.ts';
export { parsePolicy, type ParseResult } from './text-to-ast.ts';
export { formatPolicy, formatPolicyText, type FormatResult } from './ast-to-text.ts';
export { parseYamlPolicy } from './yaml-to-ast.ts';
export { astToYaml, yamlNormalForm, yamlConversionProblems } from './ast-to-yaml.ts';
export { POLICY_SCHEMA } from './policy-schema.ts';
export { parseDuration, formatDuration } from './duration.ts';
export { quoteString, unescapeString } from './string-literal.ts';
export * from './builtins.ts';
