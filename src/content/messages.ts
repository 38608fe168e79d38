// Editors' messages: building them, sorting them and printing them the way compilers do,
// `file:line:col  message  rule-id`, then what was expected and what to do.

import type { ContentMessage, Severity } from './model.ts';

/** Messages sorted by file, line, column, then rule id (stable for equal places). */
export function sortMessages(messages: readonly ContentMessage[]): ContentMessage[] {
  return [...messages].sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.column - b.column || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0),
  );
}

export function hasErrors(messages: readonly ContentMessage[]): boolean {
  return messages.some((message) => message.severity === 'error');
}

export interface FormatOptions {
  /** Folder shown before each content-relative path, as the editor sees it (default `content`). */
  contentDir?: string;
}

/** Print every message, sorted, with a summary line such as `✖ 3 errors, 1 warning in 2 files`. */
export function formatMessages(messages: readonly ContentMessage[], options: FormatOptions = {}): string {
  if (messages.length === 0) return '';
  const prefix = (options.contentDir ?? 'content').replace(/\\/g, '/').replace(/\/+$/, '');
  const lines: string[] = [];
  for (const message of sortMessages(messages)) {
    // `.` is the content folder itself (e.g. when it does not exist).
    const path = message.file === '.' ? prefix || '.' : `${prefix === '' || prefix === '.' ? '' : `${prefix}/`}${message.file}`;
    const place = `${path}:${message.line}:${message.column}`;
    // Errors are the norm; warnings say so, as they do not stop a build.
    const text = message.severity === 'warning' ? `warning: ${message.message}` : message.message;
    lines.push(`${place}  ${text}  ${message.ruleId}`);
    if (message.expected !== undefined) lines.push(`    expected: ${message.expected}`);
    if (message.actual !== undefined) lines.push(`    actual: ${message.actual}`);
    if (message.hint !== undefined) lines.push(`    hint: ${message.hint}`);
  }
  lines.push('', summarize(messages));
  return `${lines.join('\n')}\n`;
}

/** `✖ 3 errors, 1 warning in 2 files` (or `⚠ 1 warning in 1 file` when there are no errors). */
export function summarize(messages: readonly ContentMessage[]): string {
  const count = (severity: Severity) => messages.filter((message) => message.severity === severity).length;
  const errors = count('error');
  const warnings = count('warning');
  const files = new Set(messages.map((message) => message.file)).size;
  const parts = [plural(errors, 'error'), plural(warnings, 'warning')].filter((part) => !part.startsWith('0 '));
  return `${errors > 0 ? '✖' : '⚠'} ${parts.join(', ')} in ${plural(files, 'file')}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
