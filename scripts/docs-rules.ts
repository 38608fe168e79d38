// Writes the check-rule table of docs/authoring.md from the catalogue in src/content/rules.ts, so
// the guide editors read is the list the checker raises. `--check` only says whether the table is
// up to date (exit 1 when not), for CI. test/content/rules.test.ts runs the same comparison.
//
//   node --import tsx scripts/docs-rules.ts [--check]

import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { rules, type Rule } from '../src/content/rules.ts';

export const AUTHORING_DOC = fileURLToPath(new URL('../docs/authoring.md', import.meta.url));
const START = '<!-- rules:start -->';
const END = '<!-- rules:end -->';

const severityLabels: Record<Rule['severity'], string> = { error: '错误 error', warning: '警告 warning' };

/** What to do, in Chinese: the expected form (when there is one) after 应为：, then the hint. */
function todoZh(rule: Rule): string {
  return rule.expectedZh === undefined ? rule.hintZh : `应为：${rule.expectedZh}。${rule.hintZh}`;
}

/** What the rule reports, the expected form and what to do, in English, for engineers and partners. */
function reportEn(rule: Rule): string {
  return rule.expected === undefined ? `${rule.title} ${rule.hint}` : `${rule.title} Expected: ${rule.expected}. ${rule.hint}`;
}

/** The Markdown table of every rule, in catalogue order. */
export function ruleTable(catalogue: Record<string, Rule> = rules): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  // Chinese first for the editors; the last column keeps the English for engineers and partners,
  // and each severity keeps the English word `gazette check` prints.
  const lines = ['| 规则 | 级别 | 说明 | 怎么改 | What it reports / what to do |', '| --- | --- | --- | --- | --- |'];
  for (const [id, rule] of Object.entries(catalogue)) {
    lines.push(`| \`${id}\` | ${severityLabels[rule.severity]} | ${cell(rule.titleZh)} | ${cell(todoZh(rule))} | ${cell(reportEn(rule))} |`);
  }
  return lines.join('\n');
}

/** The guide with the part between the markers replaced by the current table. */
export function withRuleTable(doc: string, table: string = ruleTable()): string {
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  if (start === -1 || end < start) {
    throw new Error(`docs/authoring.md has no ${START} … ${END} markers: put them back where the rule table goes, then run npm run docs:rules.`);
  }
  return `${doc.slice(0, start + START.length)}\n${table}\n${doc.slice(end)}`;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const doc = readFileSync(AUTHORING_DOC, 'utf8');
  const updated = withRuleTable(doc);
  if (process.argv.includes('--check')) {
    if (updated !== doc) {
      console.error('docs/authoring.md: the rule table differs from src/content/rules.ts. Run `npm run docs:rules` and commit the result.');
      process.exit(1);
    }
    console.log('docs/authoring.md: the rule table is up to date.');
  } else if (updated === doc) {
    console.log('docs/authoring.md: the rule table was already up to date.');
  } else {
    writeFileSync(AUTHORING_DOC, updated);
    console.log(`docs/authoring.md: rule table written (${Object.keys(rules).length} rules).`);
  }
}
