// The policy the process-level store tests decide violations with: two ladders with more steps
// than any member reaches in those tests, so that every step is applied at most once per member
// (a step applied twice, or an increment lost, shows as a duplicate or missing step).
export function ladderPolicy(steps: number): string {
  const lines = ['enterprise "acme"', 'limits "wecom-4.1.36"', 'category spam', '', 'ladder "abuse" {', '  counts harassment, spam'];
  for (let i = 1; i <= steps; i++) lines.push(`  step ${i}: suspend interop for ${i}h${i === 1 ? ', appealable' : ''}`);
  lines.push('  severe: ban member forever, ban admin', '}', '', 'ladder "spam" {', '  counts spam');
  for (let i = 1; i <= steps; i++) lines.push(`  step ${i}: suspend interop for ${i}m`);
  lines.push('}', '');
  return lines.join('\n');
}
