// The rule catalogue against the code that raises rules and the guide that lists them: a rule id
// raised anywhere in src/ is in the catalogue, every catalogue entry is raised somewhere, and the
// table in docs/authoring.md is the one `npm run docs:rules` writes from the catalogue.

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { rules, type Rule } from '../../src/content/rules.ts';
import { AUTHORING_DOC, ruleTable, withRuleTable } from '../../scripts/docs-rules.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CATALOGUE = join(ROOT, 'src/content/rules.ts');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && path !== CATALOGUE ? [path] : [];
  });
}

/** The string literals an expression can evaluate to directly (through `?:`, `??`, parentheses). */
function literals(node: ts.Node): string[] {
  if (ts.isStringLiteralLike(node)) return [node.text];
  if (ts.isParenthesizedExpression(node)) return literals(node.expression);
  if (ts.isConditionalExpression(node)) return [...literals(node.whenTrue), ...literals(node.whenFalse)];
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken) return [...literals(node.left), ...literals(node.right)];
  if (ts.isLiteralTypeNode(node)) return literals(node.literal);
  if (ts.isUnionTypeNode(node)) return node.types.flatMap(literals);
  return [];
}

/**
 * Every rule id the code raises, with the files raising it: a literal given to a `ruleId` property
 * (or declared as the type of one), or passed as the argument of a local function whose parameter
 * is named `ruleId`. Read from the syntax alone, so a rule built from a variable is not seen: pass
 * rule ids as literals.
 */
function raisedRuleIds(): Map<string, Set<string>> {
  const raised = new Map<string, Set<string>>();
  const add = (id: string, file: string) => raised.set(id, (raised.get(id) ?? new Set()).add(file));
  for (const path of sourceFiles(join(ROOT, 'src'))) {
    const file = relative(ROOT, path);
    const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
    // Local functions taking a rule id, by name: the position of their `ruleId` parameter.
    const takesRuleId = new Map<string, number>();
    const findFunctions = (node: ts.Node): void => {
      let name: string | undefined;
      let fn: ts.SignatureDeclaration | undefined;
      if (ts.isFunctionDeclaration(node) && node.name !== undefined) [name, fn] = [node.name.text, node];
      if (
        ts.isVariableDeclaration(node) &&
        ts.isIdentifier(node.name) &&
        node.initializer !== undefined &&
        (ts.isArrowFunction(node.initializer) || ts.isFunctionExpression(node.initializer))
      )
        [name, fn] = [node.name.text, node.initializer];
      const index = fn?.parameters.findIndex((parameter) => ts.isIdentifier(parameter.name) && parameter.name.text === 'ruleId') ?? -1;
      if (name !== undefined && index >= 0) takesRuleId.set(name, index);
      ts.forEachChild(node, findFunctions);
    };
    findFunctions(source);
    const visit = (node: ts.Node): void => {
      if ((ts.isPropertyAssignment(node) || ts.isPropertySignature(node)) && ts.isIdentifier(node.name) && node.name.text === 'ruleId') {
        const value = ts.isPropertyAssignment(node) ? node.initializer : node.type;
        if (value !== undefined) for (const id of literals(value)) add(id, file);
      }
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression)) {
        const index = takesRuleId.get(node.expression.text);
        const argument = index === undefined ? undefined : node.arguments[index];
        if (argument !== undefined) for (const id of literals(argument)) add(id, file);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return raised;
}

describe('the rule catalogue', () => {
  const raised = raisedRuleIds();

  it('has every rule id the code raises', () => {
    const missing = [...raised].filter(([id]) => !Object.hasOwn(rules, id)).map(([id, files]) => `${id} (${[...files].join(', ')})`);
    expect(missing, 'Add these rule ids to src/content/rules.ts (title, severity, hint), then run npm run docs:rules').toEqual([]);
  });

  it('has no entry the code never raises', () => {
    const unused = Object.keys(rules).filter((id) => !raised.has(id));
    expect(unused, 'Raise these rules in src/ (as a literal rule id) or remove them from src/content/rules.ts').toEqual([]);
  });

  it('names each rule in kebab case with a sentence for a title, in English and Chinese, and something to do in both', () => {
    for (const [id, rule] of Object.entries(rules)) {
      expect(id).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
      expect(rule.title, id).toMatch(/^[`A-Z\p{Script=Han}].*\.$/u);
      expect(rule.titleZh, id).toMatch(/\p{Script=Han}.*。$/u);
      expect(rule.hint, id).toMatch(/\S.*\.$/);
      expect(rule.hintZh, id).toMatch(/\p{Script=Han}.*[。！？][」”）]?$/u);
    }
  });

  it('gives the expected form in Chinese exactly when it gives it in English, as a phrase the guide ends', () => {
    for (const [id, rule] of Object.entries(rules) as [string, Rule][]) {
      expect(rule.expectedZh === undefined, `${id}: expectedZh goes with expected`).toBe(rule.expected === undefined);
      if (rule.expectedZh !== undefined) expect(rule.expectedZh, id).toMatch(/\p{Script=Han}.*[^。，、；：！？.,;:!?\s]$/u);
    }
  });

  it('writes the Chinese texts with full-width punctuation, ASCII only inside code spans', () => {
    const problems = Object.entries(rules).flatMap(([id, rule]: [string, Rule]) =>
      (['titleZh', 'expectedZh', 'hintZh'] as const).flatMap((field) => {
        const text = rule[field];
        return text === undefined ? [] : asciiPunctuation(text).map((problem) => `${id} ${field}: ${problem}`);
      }),
    );
    expect(problems, 'Use ，。：；（）“” in Chinese text; put code, field names and paths in backticks').toEqual([]);
  });

  it('finds ASCII punctuation in Chinese text but not in code spans', () => {
    expect(asciiPunctuation('改正 `time`，如 `"09:30"`；见 `docs/partners.md`。')).toEqual([]);
    expect(asciiPunctuation('UTF-8 编码，Markdown 文件不超过 1.5 MiB。')).toEqual([]);
    expect(asciiPunctuation('改正日期, 或删去.')).toEqual([', in 「改正日期, 或删去」', '. in 「 或删去.」']);
    expect(asciiPunctuation('改正 `id`(见字段表)：写 "值"。').map((problem) => problem[0])).toEqual(['(', ')', '"', '"']);
    expect(asciiPunctuation('写成 `HH:MM。')).toEqual(['an unclosed code span']);
  });
});

/**
 * Sentence punctuation written in ASCII in a Chinese text, outside its code spans: `, ; : ! ? ( ) " '`
 * anywhere, and a `.` unless it sits between two ASCII letters or digits (1.5, index.md). Each
 * problem names the character and quotes a few characters around it.
 */
function asciiPunctuation(text: string): string[] {
  const parts = text.split('`');
  if (parts.length % 2 === 0) return ['an unclosed code span'];
  // Code spans become a space, so what they hold is never read and never joins its neighbours.
  const prose = parts.filter((_, index) => index % 2 === 0).join(' ');
  return [...prose.matchAll(/[,;:!?()"']|(?<![A-Za-z0-9])\.|\.(?![A-Za-z0-9])/g)].map(
    (match) => `${match[0]} in 「${prose.slice(Math.max(0, match.index - 4), match.index + 5)}」`,
  );
}

describe('the rule table of docs/authoring.md', () => {
  it('is the one the catalogue gives (run npm run docs:rules when it is not)', () => {
    const doc = readFileSync(AUTHORING_DOC, 'utf8');
    expect(doc).toBe(withRuleTable(doc));
  });

  it('lists every rule once with its severity, what to do in Chinese then English, and escapes what would break the table', () => {
    const table = ruleTable({
      'a-rule': { severity: 'warning', title: 'A `x | y` value.', titleZh: '值。', expected: 'z', expectedZh: '`z | w`', hint: 'Do it.', hintZh: '改正。' },
      'b-rule': { severity: 'error', title: 'B.', titleZh: '乙。', hint: 'Fix it.', hintZh: '删去。' },
    });
    expect(table.split('\n')).toEqual([
      '| 规则 | 级别 | 说明 | 怎么改 | What it reports / what to do |',
      '| --- | --- | --- | --- | --- |',
      '| `a-rule` | 警告 warning | 值。 | 应为：`z \\| w`。改正。 | A `x \\| y` value. Expected: z. Do it. |',
      '| `b-rule` | 错误 error | 乙。 | 删去。 | B. Fix it. |',
    ]);
    const rows = ruleTable()
      .split('\n')
      .slice(2)
      .map((row) => /^\| `([^`]+)` \| (?:错误 (error)|警告 (warning)) \|/.exec(row)?.slice(1).filter(Boolean));
    expect(rows).toEqual(Object.entries(rules).map(([id, rule]) => [id, rule.severity]));
  });

  it('gives every rule its Chinese expected form and hint', () => {
    const cell = (text: string) => text.replace(/\|/g, '\\|');
    const rows = new Map(
      ruleTable()
        .split('\n')
        .slice(2)
        .map((row) => [/^\| `([^`]+)` \|/.exec(row)?.[1], row]),
    );
    for (const [id, rule] of Object.entries(rules) as [string, Rule][]) {
      const row = rows.get(id) ?? '';
      expect(row, id).toContain(` | ${rule.expectedZh === undefined ? '' : `应为：${cell(rule.expectedZh)}。`}${cell(rule.hintZh)} | `);
    }
  });
});
