// The public API of the language front ends. Everything here works on strings and does no I/O.
export type * from './ast.ts';
export * from './diagnostic.ts';
export { LineIndex } from './line-index.ts';
export { parsePolicy, type ParseResult } from './text-to-ast.ts';
export { parseDuration, formatDuration } from './duration.ts';
export { quoteString, unescapeString } from './string-literal.ts';
export * from './builtins.ts';
