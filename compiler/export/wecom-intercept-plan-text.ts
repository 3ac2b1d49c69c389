// A plan as people read it, like `terraform plan`: a summary line, then one block per operation
// (`+` create, `~` update, `-` delete) with what it changes. Every string from the policy or from
// WeCom goes through `show` (the CLI passes its terminal escape), so no name or word can move
// the cursor or start a line of its own.
import { countText } from '../wording.ts';
import type { InterceptRange } from './wecom-intercept-export.ts';
import type { InterceptPlan } from './wecom-intercept-plan.ts';

const TYPES: Record<number, string> = { 1: 'warn and block (1)', 2: 'warn only (2)' };

function plural(n: number, one: string, many = `${one}s`): string {
  return `${countText(n)} ${n === 1 ? one : many}`;
}

export function renderPlanText(plan: InterceptPlan, show: (s: string) => string = (s) => s): string {
  const words = (ws: readonly string[]) => ws.map(show).join(', ');
  const range = (r: InterceptRange) =>
    [r.user_list?.length ? `members ${words(r.user_list)}` : '', r.department_list?.length ? `departments ${r.department_list.join(', ')}` : ''].filter(Boolean).join('; ');
  const count = (op: string) => plan.operations.filter((o) => o.op === op).length;
  const lines: string[] = [
    `WeCom intercept rules: ${countText(count('create'))} to create, ${countText(count('update'))} to update, ${countText(count('delete'))} to delete, ${countText(plan.unchanged.length)} unchanged` +
      (plan.unmanaged.length > 0 ? `; ${plural(plan.unmanaged.length, 'rule')} not made by Hush left alone` : ''),
  ];
  for (const o of plan.operations) {
    lines.push('');
    switch (o.op) {
      case 'create':
        lines.push(`  + create ${show(o.rule_name)}`);
        lines.push(`      intercept_type: ${TYPES[o.body.intercept_type]}`);
        lines.push(`      word_list (${countText(o.body.word_list.length)}): ${words(o.body.word_list)}`);
        lines.push(`      applicable_range: ${range(o.body.applicable_range)}`);
        break;
      case 'update': {
        const b = o.body;
        lines.push(`  ~ update ${show(o.rule_name)} (rule_id ${show(o.rule_id)})`);
        if (b.intercept_type !== undefined) lines.push(`      intercept_type: → ${TYPES[b.intercept_type]}`);
        if (o.words.added.length > 0) lines.push(`      word_list + ${words(o.words.added)}`);
        if (o.words.removed.length > 0) lines.push(`      word_list - ${words(o.words.removed)}`);
        if (b.extra_rule) lines.push('      semantics_list: cleared');
        if (b.add_applicable_range) lines.push(`      add_applicable_range: ${range(b.add_applicable_range)}`);
        if (b.remove_applicable_range) lines.push(`      remove_applicable_range: ${range(b.remove_applicable_range)}`);
        break;
      }
      case 'delete':
        lines.push(`  - delete ${show(o.rule_name)} (rule_id ${show(o.rule_id)}): ${o.reason}`);
        break;
    }
  }
  if (plan.unchanged.length > 0) lines.push('', `  unchanged: ${words(plan.unchanged)}`);
  if (plan.unmanaged.length > 0) lines.push('', `  left alone: ${plan.unmanaged.map((r) => `${show(r.rule_name)} (rule_id ${show(r.rule_id)})`).join(', ')}`);
  return `${lines.join('\n')}\n`;
}
