// Wording shared by every template: Chinese dates, issue numbers, kinds and file types.

import { attachmentTypes } from '../src/outputs.ts';
import type { InterfaceText } from './strings.ts';

/** `2010-05-31` → `2010年5月31日`. */
export function chineseDate(date: string): string {
  const [year, month, day] = date.split('-');
  return `${year}年${Number(month)}月${Number(day)}日`;
}

/** `2010-12` → `2010年12月`. */
export function chineseMonth(month: string): string {
  const [year, mm] = month.split('-');
  return `${year}年${Number(mm)}月`;
}

/** `2010年第5期（总第53期）`. */
export function issueLabel(issue: { year: number; number: number; totalNumber: number }): string {
  return `${issue.year}年第${issue.number}期（总第${issue.totalNumber}期）`;
}

/** URL of an issue page: `/gazette/2010/05/`. */
export function issuePath(year: number, number: number): string {
  return `/gazette/${year}/${String(number).padStart(2, '0')}/`;
}

export const kindLabels = { article: '公报文件', release: '新闻稿', conference: '新闻发布会' } as const;

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot).toLowerCase();
}

/** Reader-facing file type in the language of `text`, e.g. `PDF`; the upper-cased extension when unknown. */
export function fileTypeLabel(name: string, text: InterfaceText): string {
  const ext = extensionOf(name);
  return text.attachments.fileType(ext) ?? (ext.slice(1).toUpperCase() || text.attachments.otherFile);
}

/** Media type of a published file, for the link's `type` attribute. */
export function fileMediaType(name: string): string | undefined {
  return attachmentTypes[extensionOf(name)];
}

/** Human size with binary units and one decimal: `1.2 MB`, `830 KB`, `512 B`. */
export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value >= 100 ? Math.round(value) : value.toFixed(1).replace(/\.0$/, '')} ${units[unit]}`;
}

/**
 * `PubDate` as Chinese government sites write it (`YYYY-MM-DD HH:MM` when a time is known):
 * the embargo time in the site's own offset, or the conference start, else the date alone.
 */
export function pubDate(date: string, time?: string, publishAt?: string): string {
  if (publishAt !== undefined) {
    const local = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(publishAt);
    if (local) return `${local[1]} ${local[2]}`;
  }
  return time === undefined ? date : `${date} ${time}`;
}
