// Builds the strict AST from the tolerant CST. A node with a missing part (the parser re-synced
// past it, or a token was inserted during recovery) is left out: its syntax error is already
// reported. Literal-level problems (bad escapes, bad durations, numbers out of range) are found
// here and reported as diagnostics.
import type { CstNode, IToken, TokenType } from 'chevrotain';
import type * as A from './ast.ts';
import { diagnostic, type Diagnostic, type DiagnosticFix, type Range } from './diagnostic.ts';
import { checkDuration, checkNumber, checkSpacedDuration, checkTimeWindow, formatTimeOfDay, type LiteralCheck } from './literal-checks.ts';
import type { LineIndex } from './line-index.ts';
import { unescapeString } from './string-literal.ts';
import { MISPLACEABLE, type CstLabel, type RuleName } from './tokens-to-cst.ts';
import type * as Tokens from './tokens.ts';
import type { KeywordTokenName } from './tokens.ts';

type Child = CstNode | IToken;

/** The name of a token defined in tokens.ts: its exported name, which is also its `name`. */
type TokenName = { [K in keyof typeof Tokens]: (typeof Tokens)[K] extends TokenType ? K : never }[keyof typeof Tokens] | KeywordTokenName;

/**
 * Every key a CST node can hold its children under: a token's name, a rule's name or a label.
 * The accessors below take only these, so renaming a token or a rule is a compile error here
 * (and language/cst-keys.test.ts checks each key read here against the grammar).
 */
export type CstKey = TokenName | RuleName | CstLabel;

/** The rule under which a `declaration`, `ruleStatement`, … node holds its only child. */
function onlyRule(node: CstNode): RuleName | undefined {
  return Object.keys(node.children)[0] as RuleName | undefined;
}

function isToken(c: Child): c is IToken {
  return (c as IToken).image !== undefined;
}

class Builder {
  readonly diagnostics: Diagnostic[] = [];

  constructor(
    private readonly file: string,
    private readonly lines: LineIndex,
  ) {}

  // --- access helpers -------------------------------------------------------------------

  private tokens(node: CstNode, key: CstKey): IToken[] {
    return ((node.children[key] ?? []) as Child[]).filter(
      (c): c is IToken => isToken(c) && !c.isInsertedInRecovery && !Number.isNaN(c.startOffset),
    );
  }

  private tok(node: CstNode, key: CstKey): IToken | undefined {
    return this.tokens(node, key)[0];
  }

  private nodes(node: CstNode, key: CstKey): CstNode[] {
    return ((node.children[key] ?? []) as Child[]).filter((c): c is CstNode => !isToken(c));
  }

  private sub(node: CstNode, key: CstKey): CstNode | undefined {
    return this.nodes(node, key)[0];
  }

  private has(node: CstNode, key: CstKey): boolean {
    return this.tokens(node, key).length > 0;
  }

  private tokenRange(t: IToken): Range {
    return this.lines.range(t.startOffset, t.startOffset + t.image.length);
  }

  /** The range of a node from its first to its last real token. */
  private nodeRange(node: CstNode): Range | undefined {
    let first: IToken | undefined;
    let last: IToken | undefined;
    const visit = (n: CstNode) => {
      for (const list of Object.values(n.children)) {
        for (const c of list as Child[]) {
          if (isToken(c)) {
            if (c.isInsertedInRecovery || Number.isNaN(c.startOffset)) continue;
            if (!first || c.startOffset < first.startOffset) first = c;
            if (!last || c.startOffset > last.startOffset) last = c;
          } else visit(c);
        }
      }
    };
    visit(node);
    if (!first || !last) return undefined;
    return this.lines.range(first.startOffset, last.startOffset + last.image.length);
  }

  private error(code: string, message: string, range: Range, help?: string, fix?: DiagnosticFix): void {
    this.diagnostics.push(diagnostic(code, 'error', message, this.file, range, { ...(help ? { help } : {}), ...(fix ? { fixes: [fix] } : {}) }));
  }

  /** Reports a failed literal check at `range`, with its fix when the check knows what was meant. */
  private literalError(c: LiteralCheck<unknown> & { ok: false }, range: Range): void {
    const fix = c.replacement === undefined ? undefined : { title: `write \`${c.replacement}\``, edits: [{ range, newText: c.replacement }], safe: true };
    this.error(c.code, c.message, range, c.help, fix);
  }

  // --- literals -------------------------------------------------------------------------

  private str(node: CstNode | undefined): A.Str | undefined {
    if (!node) return undefined;
    const t = this.tok(node, 'StringLit') ?? this.tok(node, 'UnterminatedString');
    if (!t) return undefined;
    const range = this.tokenRange(t);
    if (t.tokenType.name === 'UnterminatedString') {
      this.error('hush/syntax/unterminated-string', 'unterminated string', range, 'add the closing `"` on the same line');
    }
    const { value, errors } = unescapeString(t.image);
    for (const e of errors) {
      const start = t.startOffset + e.offset;
      this.error('hush/syntax/bad-escape', e.message, this.lines.range(start, start + e.length),
        'escapes are \\" \\\\ \\/ \\n \\r \\t \\b \\f \\uXXXX and \\u{X…}');
    }
    return { value, range };
  }

  private ident(t: IToken | undefined): A.Ident | undefined {
    return t ? { name: t.image, range: this.tokenRange(t) } : undefined;
  }

  private int(t: IToken | undefined): A.IntLit | undefined {
    if (!t) return undefined;
    const range = this.tokenRange(t);
    const c = checkNumber(Number(t.image), t.image);
    if (!c.ok) {
      this.literalError(c, range);
      return undefined;
    }
    return { value: c.value, range };
  }

  private durationToken(t: IToken | undefined): A.Duration | undefined {
    if (!t) return undefined;
    const range = this.tokenRange(t);
    const c = checkDuration(t.image);
    if (!c.ok) {
      this.literalError(c, range);
      return undefined;
    }
    return { text: t.image, ms: c.value, range };
  }

  /** `60 minutes`, `10 s`, `60`: reported with what to write instead; never a duration. */
  private spacedDuration(node: CstNode): undefined {
    const n = this.tok(node, 'IntLit');
    const range = this.nodeRange(node);
    if (!n || !range) return undefined;
    const c = checkSpacedDuration(n.image, this.tok(node, 'Ident')?.image);
    if (!c.ok) this.literalError(c, range);
    return undefined;
  }

  private duration(node: CstNode | undefined): A.Duration | undefined {
    if (!node) return undefined;
    const spaced = this.sub(node, 'spacedDuration');
    if (spaced) return this.spacedDuration(spaced);
    return this.durationToken(this.tok(node, 'DurationLit') ?? this.tok(node, 'Kw_forever'));
  }

  private listSource(node: CstNode | undefined): A.ListSource | undefined {
    if (!node) return undefined;
    const range = this.nodeRange(node);
    if (!range) return undefined;
    if (this.has(node, 'Kw_from')) {
      const path = this.str(this.sub(node, 'path'));
      return path ? { kind: 'file', path, range } : undefined;
    }
    const items = this.nodes(node, 'item').map((n) => this.str(n));
    if (items.length === 0 || items.some((i) => !i)) return undefined;
    return { kind: 'inline', items: items as A.Str[], range };
  }

  // --- file and declarations ------------------------------------------------------------

  build(cst: CstNode, comments: IToken[], form: 'policy'): A.PolicyFile {
    const declarations: A.Declaration[] = [];
    for (const d of this.nodes(cst, 'declaration')) {
      const decl = this.declaration(d);
      if (decl) declarations.push(decl);
    }
    return {
      file: this.file,
      form,
      declarations,
      comments: comments.map((c) => ({ text: c.image.slice(1).replace(/\r$/, ''), range: this.tokenRange(c) })),
      range: this.lines.range(0, this.lines.text.length),
    };
  }

  private declaration(node: CstNode): A.Declaration | undefined {
    const key = onlyRule(node);
    const inner = key ? this.sub(node, key) : undefined;
    if (!inner) return undefined;
    const range = this.nodeRange(inner);
    if (!range) return undefined;
    switch (key) {
      case 'enterpriseDecl': {
        const name = this.str(this.sub(inner, 'str'));
        return name && { kind: 'enterprise', name, range };
      }
      case 'limitsDecl': {
        const profile = this.str(this.sub(inner, 'str'));
        return profile && { kind: 'limits', profile, range };
      }
      case 'normalize': {
        const steps = this.tokens(inner, 'Ident').map((t) => this.ident(t)!);
        return steps.length ? { kind: 'normalize', steps, range } : undefined;
      }
      case 'blacklistDecl': {
        const list = this.listSource(this.sub(inner, 'listSource'));
        if (!list) return undefined;
        if (this.has(inner, 'Kw_personal')) {
          const owner = this.str(this.sub(inner, 'owner'));
          return owner && { kind: 'blacklist', scope: 'personal', owner, list, range };
        }
        return this.has(inner, 'Kw_enterprise') ? { kind: 'blacklist', scope: 'enterprise', list, range } : undefined;
      }
      case 'exemptDecl': {
        const list = this.listSource(this.sub(inner, 'listSource'));
        return list && this.has(inner, 'Kw_customers') ? { kind: 'exempt', list, range } : undefined;
      }
      case 'categoryDecl': {
        const name = this.ident(this.tok(inner, 'Ident'));
        if (!name) return undefined;
        const labelNode = this.sub(inner, 'str');
        const label = this.str(labelNode);
        if (labelNode && !label) return undefined;
        return label ? { kind: 'category', name, label, range } : { kind: 'category', name, range };
      }
      case 'ruleDecl':
        return this.ruleDecl(inner, range);
      case 'ladderDecl':
        return this.ladderDecl(inner, range);
      case 'quotaDecl':
        return this.quotaDecl(inner, range);
      case 'variantsDecl': {
        const word = this.str(this.sub(inner, 'word'));
        const list = this.listSource(this.sub(inner, 'listSource'));
        return word && list && this.has(inner, 'Kw_of') ? { kind: 'variants', word, list, range } : undefined;
      }
      default:
        return undefined;
    }
  }

  private ruleDecl(node: CstNode, range: Range): A.RuleDecl | undefined {
    const name = this.str(this.sub(node, 'str'));
    if (!name) return undefined;
    const body: A.RuleStatement[] = [];
    for (const s of this.nodes(node, 'ruleStatement')) {
      const stmt = this.ruleStatement(s);
      if (stmt) body.push(stmt);
    }
    for (const m of this.nodes(node, 'misplacedDecl')) {
      const r = this.nodeRange(m);
      if (r) this.misplacedDecl(m, r);
    }
    return { kind: 'rule', name, body, range };
  }

  private ruleStatement(node: CstNode): A.RuleStatement | undefined {
    const key = onlyRule(node);
    const inner = key ? this.sub(node, key) : undefined;
    if (!inner) return undefined;
    const range = this.nodeRange(inner);
    if (!range) return undefined;
    switch (key) {
      case 'ownerStmt':
        return this.ownerStmt(inner, range);
      case 'groupsStmt': {
        const list = this.listSource(this.sub(inner, 'listSource'));
        return list && { kind: 'groups', list, range };
      }
      case 'keywordsStmt': {
        const list = this.listSource(this.sub(inner, 'listSource'));
        return list && { kind: 'keywords', wholeWord: this.has(inner, 'Kw_whole_word'), list, range };
      }
      case 'patternStmt': {
        const list = this.listSource(this.sub(inner, 'listSource'));
        return list && { kind: 'pattern', list, range };
      }
      case 'exceptStmt': {
        const list = this.listSource(this.sub(inner, 'listSource'));
        return list && { kind: 'except', list, range };
      }
      case 'allowStmt': {
        const list = this.listSource(this.sub(inner, 'listSource'));
        const target: A.AllowTarget | undefined = this.has(inner, 'Kw_links')
          ? 'links'
          : this.has(inner, 'Kw_miniprograms')
            ? 'miniprograms'
            : this.has(inner, 'Kw_cards')
              ? 'cards'
              : undefined;
        return list && target && { kind: 'allow', target, list, range };
      }
      case 'normalize': {
        const steps = this.tokens(inner, 'Ident').map((t) => this.ident(t)!);
        return steps.length ? { kind: 'normalize', steps, range } : undefined;
      }
      case 'configuredStmt': {
        const version = this.str(this.sub(inner, 'str'));
        return version && this.has(inner, 'Kw_on') ? { kind: 'configured', version, range } : undefined;
      }
      case 'announceStmt': {
        const text = this.str(this.sub(inner, 'str'));
        return text && { kind: 'announce', text, range };
      }
      case 'whenStmt':
        return this.whenStmt(inner, range);
      case 'ruleExemptStmt':
        return this.ruleExemptStmt(inner, range);
      case 'duringStmt':
        return this.duringStmt(inner, range);
      default:
        return undefined;
    }
  }

  /** `exempt customers LIST`; `exempt members …` is explained once and left out. */
  private ruleExemptStmt(node: CstNode, range: Range): A.RuleExemptStmt | undefined {
    const list = this.listSource(this.sub(node, 'listSource'));
    const members = this.tok(node, 'Kw_members');
    if (members) {
      this.error(
        'hush/syntax/exempt-members',
        'a rule exempts customers, not members',
        range,
        "rules never act on a member's message (spec/runtime.md §4), so there is nothing to exempt them from; write `exempt customers …`",
        { title: 'write `exempt customers`', edits: [{ range: this.tokenRange(members), newText: 'customers' }], safe: false },
      );
      return undefined;
    }
    return list && this.has(node, 'Kw_customers') ? { kind: 'exempt', list, range } : undefined;
  }

  /** `during 22:00-07:00` (the times checked here) or `during days LIST`. */
  private duringStmt(node: CstNode, range: Range): A.DuringStmt | undefined {
    const t = this.tok(node, 'TimeWindowLit');
    if (t) {
      const c = checkTimeWindow(t.image);
      if (!c.ok) {
        this.literalError(c, this.tokenRange(t));
        return undefined;
      }
      return { kind: 'during', times: { text: `${formatTimeOfDay(c.value.start)}-${formatTimeOfDay(c.value.end)}`, start: c.value.start, end: c.value.end, range: this.tokenRange(t) }, range };
    }
    const days = this.listSource(this.sub(node, 'listSource'));
    return days && this.has(node, 'Kw_days') ? { kind: 'during', days, range } : undefined;
  }

  /** A declaration written inside a rule (`category …`): said once, and left out. */
  private misplacedDecl(node: CstNode, range: Range): undefined {
    const word = MISPLACEABLE.find((w) => this.has(node, `Kw_${w}`));
    if (!word) return undefined;
    const first = this.tokenRange(this.tok(node, `Kw_${word}`)!);
    const help: Record<(typeof MISPLACEABLE)[number], string> = {
      blacklist: '`blacklist enterprise …` and `blacklist personal of …` go outside every rule; in a rule, blacklisting is an action: `when keyword then blacklist personal`',
      enterprise: '`enterprise` goes outside every rule, at the top of the file',
      limits: '`limits` goes outside every rule, at the top of the file',
      category: '`category` goes outside every rule, with the other declarations',
      variants: '`variants of …` goes outside every rule: variant lines belong to the set, and every rule with the `variants` step reads them',
    };
    this.error('hush/syntax/misplaced-declaration', `\`${word}\` is a declaration, not a rule statement`, { start: first.start, end: range.end }, help[word]);
    return undefined;
  }

  private ownerStmt(node: CstNode, range: Range): A.OwnerStmt | undefined {
    if (this.has(node, 'Kw_rule_manager')) {
      const ids = this.nodes(node, 'managementRule');
      const managementRule = this.str(ids[0]);
      if (!managementRule || !this.has(node, 'Kw_of')) return undefined;
      const idNode = this.sub(node, 'id');
      const id = this.str(idNode);
      if (idNode && !id) return undefined;
      return id ? { kind: 'owner', role: 'rule-manager', managementRule, id, range } : { kind: 'owner', role: 'rule-manager', managementRule, range };
    }
    const role: A.OwnerRole | undefined = this.has(node, 'Kw_super_admin') ? 'super-admin' : this.has(node, 'Kw_member') ? 'member' : undefined;
    const id = this.str(this.sub(node, 'id'));
    return role && id && { kind: 'owner', role, id, range };
  }

  private whenStmt(node: CstNode, range: Range): A.WhenStmt | undefined {
    const trigger = this.trigger(this.sub(node, 'trigger'));
    if (!trigger || !this.has(node, 'Kw_then')) return undefined;
    const actionNodes = this.nodes(node, 'action');
    const actions = actionNodes.map((a) => this.action(a));
    if (actions.length === 0 || actions.some((a) => !a)) return undefined;
    return { kind: 'when', trigger, actions: actions as A.Action[], range };
  }

  private trigger(node: CstNode | undefined): A.Trigger | undefined {
    if (!node) return undefined;
    const range = this.nodeRange(node);
    if (!range) return undefined;
    for (const type of ['keyword', 'link', 'miniprogram', 'card', 'image'] as const) {
      if (this.has(node, `Kw_${type}`)) return { type, range };
    }
    if (this.has(node, 'Kw_flood')) {
      const count = this.int(this.tok(node, 'IntLit'));
      const window = this.duration(this.sub(node, 'duration'));
      return count && window && this.has(node, 'Kw_in') ? { type: 'flood', count, window, range } : undefined;
    }
    if (this.has(node, 'Kw_identity')) {
      const ids = this.nodes(node, 'str').map((n) => this.str(n));
      return ids.length && ids.every(Boolean) ? { type: 'identity', identities: ids as A.Str[], range } : undefined;
    }
    if (this.has(node, 'Kw_new_member')) {
      const within = this.duration(this.sub(node, 'duration'));
      return within && this.has(node, 'Kw_within') ? { type: 'new-member', within, range } : undefined;
    }
    if (this.has(node, 'Kw_length')) {
      const max = this.int(this.tok(node, 'IntLit'));
      return max && this.has(node, 'Kw_over') ? { type: 'length', max, range } : undefined;
    }
    return undefined;
  }

  private action(node: CstNode | undefined): A.Action | undefined {
    if (!node) return undefined;
    const range = this.nodeRange(node);
    if (!range) return undefined;
    if (this.has(node, 'Kw_warn')) {
      const text = this.str(this.sub(node, 'str'));
      return text && { type: 'warn', text, range };
    }
    if (this.has(node, 'Kw_recall')) return { type: 'recall', range };
    if (this.has(node, 'Kw_remove')) return { type: 'remove', range };
    if (this.has(node, 'Kw_mute')) {
      const duration = this.duration(this.sub(node, 'duration'));
      return duration && { type: 'mute', duration, range };
    }
    if (this.has(node, 'Kw_blacklist')) {
      const scope = this.has(node, 'Kw_personal') ? 'personal' : this.has(node, 'Kw_enterprise') ? 'enterprise' : this.has(node, 'Kw_group') ? 'group' : undefined;
      return scope && { type: 'blacklist', scope, range };
    }
    if (this.has(node, 'Kw_notify')) {
      const target = this.has(node, 'Kw_owner') ? 'owner' : this.has(node, 'Kw_admins') ? 'admins' : undefined;
      return target && { type: 'notify', target, range };
    }
    if (this.has(node, 'Kw_record')) {
      const category = this.ident(this.tok(node, 'Ident'));
      return category && { type: 'record', category, range };
    }
    return undefined;
  }

  private ladderDecl(node: CstNode, range: Range): A.LadderDecl | undefined {
    const name = this.str(this.sub(node, 'str'));
    if (!name) return undefined;
    const body: A.LadderStatement[] = [];
    for (const s of this.nodes(node, 'ladderStatement')) {
      const stmt = this.ladderStatement(s);
      if (stmt) body.push(stmt);
    }
    // `1 step: …` is explained and left out.
    for (const s of this.nodes(node, 'numberFirstStep')) this.stepFormOk(s);
    return { kind: 'ladder', name, body, range };
  }

  private ladderStatement(node: CstNode): A.LadderStatement | undefined {
    const range = this.nodeRange(node);
    if (!range) return undefined;
    if (this.has(node, 'Kw_counts')) {
      const categories = this.tokens(node, 'Ident').map((t) => this.ident(t)!);
      return categories.length ? { kind: 'counts', categories, range } : undefined;
    }
    if (this.has(node, 'Kw_expire')) {
      const after = this.duration(this.sub(node, 'duration'));
      return after && this.has(node, 'Kw_after') ? { kind: 'expire', after, range } : undefined;
    }
    // `for members` before `members …`: both hold the word `members`.
    if (this.has(node, 'Kw_for')) {
      const subjects = this.has(node, 'Kw_customers') ? 'customers' : this.has(node, 'Kw_members') ? 'members' : undefined;
      return subjects && { kind: 'for', subjects, range };
    }
    if (this.has(node, 'Kw_members')) {
      const list = this.listSource(this.sub(node, 'listSource'));
      return list && { kind: 'members', list, range };
    }
    if (this.has(node, 'Kw_while')) return this.linkedStmt(node, range);
    if (this.has(node, 'Kw_step') && !this.stepFormOk(node)) return undefined;
    const list = this.sanctionList(this.sub(node, 'sanctionList'));
    if (!list || !this.has(node, 'Colon')) return undefined;
    if (this.has(node, 'Kw_step')) {
      const number = this.int(this.tok(node, 'IntLit'));
      if (!number) return undefined;
      const s: A.StepStmt = { kind: 'step', number, sanctions: list.sanctions, range };
      if (list.appealable) s.appealable = list.appealable;
      return s;
    }
    if (this.has(node, 'Kw_severe')) {
      const s: A.SevereStmt = { kind: 'severe', sanctions: list.sanctions, range };
      if (list.appealable) s.appealable = list.appealable;
      return s;
    }
    return undefined;
  }

  /**
   * Whether a step is written `step N:`. `step: 4`, `1 step:`, `step 4` (no colon) and `step:`
   * (no number) are each reported once, with the repair when the number is there.
   */
  private stepFormOk(node: CstNode): boolean {
    const word = this.tok(node, 'Kw_step');
    const colon = this.tok(node, 'Colon');
    const n = this.tok(node, 'IntLit');
    // A node the parser re-synced past: its syntax error is reported already.
    if (!word || (node as CstNode).recoveredNode) return false;
    if (n && colon && n.startOffset > word.startOffset && n.startOffset < colon.startOffset) return true;
    const tokens = [word, colon, n].filter((t): t is IToken => t !== undefined);
    const start = Math.min(...tokens.map((t) => t.startOffset));
    const last = tokens.reduce((a, b) => (a.startOffset > b.startOffset ? a : b));
    const range = this.lines.range(start, last.startOffset + last.image.length);
    const help = 'a step is written `step N: SANCTION, …` (`step 1: suspend interop for 1h`)';
    if (!n) {
      this.error('hush/syntax/bad-step', 'this step has no number', range, help);
      return false;
    }
    const fix: DiagnosticFix = { title: `write \`step ${n.image}:\``, edits: [{ range, newText: `step ${n.image}:` }], safe: true };
    const message = !colon ? `missing \`:\` after \`step ${n.image}\`` : `the number of a step goes between \`step\` and \`:\``;
    this.error('hush/syntax/bad-step', message, range, help, fix);
    return false;
  }

  /** `while linked blocked: SANCTION, …, restore within D`. */
  private linkedStmt(node: CstNode, range: Range): A.LinkedStmt | undefined {
    if (!this.has(node, 'Kw_linked') || !this.has(node, 'Kw_blocked') || !this.has(node, 'Colon')) return undefined;
    const items = this.nodes(node, 'linkedItem');
    if (items.length === 0) return undefined;
    const sanctions: A.Sanction[] = [];
    let restore: A.Duration | undefined;
    for (const item of items) {
      const itemRange = this.nodeRange(item);
      if (!itemRange) return undefined;
      if (this.has(item, 'Kw_restore')) {
        const d = this.duration(this.sub(item, 'duration'));
        if (!d || !this.has(item, 'Kw_within')) return undefined;
        if (restore) this.error('hush/syntax/duplicate-flag', '`restore within` is given twice', itemRange);
        else restore = d;
        continue;
      }
      const sanction = this.sanction(item, itemRange);
      if (!sanction) return undefined;
      sanctions.push(sanction);
    }
    return restore ? { kind: 'linked', sanctions, restore, range } : { kind: 'linked', sanctions, range };
  }

  /** A `suspend interop …` or `ban TARGET …` item; the duration is optional here, checked later. */
  private sanction(item: CstNode, range: Range): A.Sanction | undefined {
    const durNode = this.sub(item, 'sanctionDuration');
    let duration: A.Duration | undefined;
    if (durNode) {
      const spaced = this.sub(durNode, 'spacedDuration');
      duration = spaced ? this.spacedDuration(spaced) : this.durationToken(this.tok(durNode, 'DurationLit') ?? this.tok(durNode, 'Kw_forever'));
      if (!duration) return undefined;
    }
    if (this.has(item, 'Kw_suspend')) {
      if (!this.has(item, 'Kw_interop')) return undefined;
      return duration ? { verb: 'suspend', target: 'interop', duration, range } : { verb: 'suspend', target: 'interop', range };
    }
    if (this.has(item, 'Kw_ban')) {
      const target = this.has(item, 'Kw_member') ? 'member' : this.has(item, 'Kw_admin') ? 'admin' : this.has(item, 'Kw_enterprise') ? 'enterprise' : undefined;
      if (!target) return undefined;
      return duration ? { verb: 'ban', target, duration, range } : { verb: 'ban', target, range };
    }
    if (this.has(item, 'Kw_mute')) return duration ? { verb: 'mute', target: 'customer', duration, range } : undefined;
    if (this.has(item, 'Kw_remove')) return { verb: 'remove', target: 'customer', range };
    if (this.has(item, 'Kw_blacklist')) {
      const target = this.has(item, 'Kw_personal') ? 'personal' : this.has(item, 'Kw_enterprise') ? 'enterprise' : undefined;
      if (!target) return undefined;
      return duration ? { verb: 'blacklist', target, duration, range } : { verb: 'blacklist', target, range };
    }
    return undefined;
  }

  private sanctionList(node: CstNode | undefined): { sanctions: A.Sanction[]; appealable?: A.Node } | undefined {
    if (!node) return undefined;
    const sanctions: A.Sanction[] = [];
    let appealable: A.Node | undefined;
    for (const item of this.nodes(node, 'sanctionItem')) {
      const range = this.nodeRange(item);
      if (!range) return undefined;
      if (this.has(item, 'Kw_appealable')) {
        if (appealable) this.error('hush/syntax/duplicate-flag', '`appealable` is given twice', range);
        appealable = { range };
        continue;
      }
      const sanction = this.sanction(item, range);
      // In a step or `severe`, the grammar makes a suspension give its duration.
      if (!sanction || (sanction.verb === 'suspend' && !sanction.duration)) return undefined;
      sanctions.push(sanction);
    }
    return appealable ? { sanctions, appealable } : { sanctions };
  }

  // --- quotas ---------------------------------------------------------------------------

  private quotaDecl(node: CstNode, range: Range): A.QuotaDecl | undefined {
    const name = this.ident(this.tok(node, 'Ident'));
    if (!name) return undefined;
    const body: A.QuotaStatement[] = [];
    for (const s of this.nodes(node, 'quotaStatement')) {
      const stmt = this.quotaStatement(s);
      if (stmt) body.push(stmt);
    }
    return { kind: 'quota', name, body, range };
  }

  private quotaStatement(node: CstNode): A.QuotaStatement | undefined {
    const range = this.nodeRange(node);
    if (!range) return undefined;
    if (this.has(node, 'Kw_timezone')) {
      const offset = this.str(this.sub(node, 'str'));
      return offset && { kind: 'timezone', offset, range };
    }
    const value = this.int(this.tok(node, 'IntLit'));
    if (!value) return undefined;
    if (this.has(node, 'Kw_daily')) return { kind: 'daily', count: value, range };
    if (this.has(node, 'Kw_minimum')) return { kind: 'minimum', value, range };
    if (this.has(node, 'Kw_maximum')) return { kind: 'maximum', value, range };
    const direction = this.has(node, 'Kw_raise') ? 'raise' : this.has(node, 'Kw_lower') ? 'lower' : undefined;
    const condition = this.quotaCondition(this.sub(node, 'quotaCondition'));
    if (!direction || !condition || !this.has(node, 'Kw_when')) return undefined;
    return { kind: 'adjust', direction, amount: value, condition, range };
  }

  private quotaCondition(node: CstNode | undefined): A.QuotaCondition | undefined {
    if (!node) return undefined;
    const range = this.nodeRange(node);
    if (!range) return undefined;
    for (const factor of ['complete', 'compliant'] as const) {
      if (this.has(node, `Kw_${factor}`)) return { factor, negated: this.has(node, 'Kw_not'), range };
    }
    const factor = (['usage', 'blocks', 'deletions', 'complaints'] as const).find((f) => this.has(node, `Kw_${f}`));
    const op = this.has(node, 'Kw_over') ? 'over' : this.has(node, 'Kw_under') ? 'under' : undefined;
    const t = this.tok(node, 'PercentLit');
    if (!factor || !op || !t) return undefined;
    return { factor, op, threshold: { text: t.image, percent: Number(t.image.slice(0, -1)), range: this.tokenRange(t) }, range };
  }
}

export function cstToAst(cst: CstNode, comments: IToken[], file: string, lines: LineIndex): { ast: A.PolicyFile; diagnostics: Diagnostic[] } {
  const b = new Builder(file, lines);
  const ast = b.build(cst, comments, 'policy');
  return { ast, diagnostics: b.diagnostics };
}
