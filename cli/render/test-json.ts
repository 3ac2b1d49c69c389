// `hush test -f json`, version 2 (spec/cli.md): the fixtures with their cases, every place a
// 1-based `line` and `column` in the fixture, the counts, and with `--coverage` a `coverage`
// object. Version 1 had no places and reported a malformed case as a broken fixture; version 2
// reports it on the case (`status: "broken"`, `problems`). Within a version fields may be added,
// never renamed or removed.
//
//   { "version": 2,
//     "files": [ { "file", "policy"?, "error"?: { "line", "column", "message" },
//                  "cases": [ { "name", "line", "column", "status": "passed" | "failed" | "broken",
//                               "failures": [ { "line", "column", "event", "differences", "got", "fired", "decision" } ],
//                               "problems": [ { "line", "column", "message" } ] } ] } ],
//     "summary": { "passed", "failed", "broken", "brokenFiles", "files" },
//     "coverage"?: { "items", "exercised", "percent", "policies": [ { "policy", "items", "exercised", "percent",
//                    "rules", "triggers", "steps", "unexercised": [ { "kind", "name", "file", "line", "column" } ] } ] } }
import { countResults, type TestReport } from '../test-results.ts';

export const TEST_JSON_VERSION = 2;

export function renderTestJson(report: TestReport): string {
  const out = {
    version: TEST_JSON_VERSION,
    files: report.files,
    summary: countResults(report.files),
    ...(report.coverage ? { coverage: report.coverage } : {}),
  };
  return JSON.stringify(out, null, 2) + '\n';
}
