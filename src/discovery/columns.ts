// Which special columns (专栏) a document belongs to. The same rule decides a document's
// "本文所属专栏" links at render time (from content) and a column's listing (from records).

import type { Column, ColumnRule, DocumentKind } from '../content/model.ts';

/** What a column rule looks at, from a document or its record. */
export interface ColumnFacts {
  id: string;
  kind: DocumentKind;
  /** Department name (发布机构). */
  department: string;
  /** Topic name (主题分类). */
  category: string;
  /** 发布日期, YYYY-MM-DD. */
  date: string;
  tags?: readonly string[];
}

/** True when the rule takes the document: listed by id, or matching every criterion it names. */
export function columnTakes(rule: ColumnRule, doc: ColumnFacts): boolean {
  if (rule.documents.includes(doc.id)) return true;
  const criteria = rule.topics.length + rule.departments.length + rule.tags.length + rule.kinds.length;
  // A rule of explicit documents only (no criteria, no dates) takes nothing else.
  if (criteria === 0 && rule.from === undefined && rule.to === undefined) return false;
  return (
    (rule.topics.length === 0 || rule.topics.includes(doc.category)) &&
    (rule.departments.length === 0 || rule.departments.includes(doc.department)) &&
    (rule.kinds.length === 0 || rule.kinds.includes(doc.kind)) &&
    (rule.tags.length === 0 || (doc.tags ?? []).some((tag) => rule.tags.includes(tag))) &&
    (rule.from === undefined || doc.date >= rule.from) &&
    (rule.to === undefined || doc.date <= rule.to)
  );
}

/** The columns a document belongs to, in column order. */
export function columnsOf(columns: readonly Column[], doc: ColumnFacts): Column[] {
  return columns.filter((column) => columnTakes(column.rule, doc));
}
