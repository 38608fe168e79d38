// Pieces several pages share: dates, the disclosure block, attachments, document lists.

import type { Attachment, Lang } from '../src/content/model.ts';
import type { DocumentRecord } from '../src/content/records.ts';
import { chineseDate, chineseMonth, fileMediaType, fileSize, fileTypeLabel, kindLabels } from './format.ts';
import type { Result } from './hast.ts';
import { textFor } from './strings.ts';
import type { PublishedFile } from './structuredData.ts';

/** A date readers see in Chinese (or as `format` writes it) and machines read from `datetime`. */
export function dateTime(date: string, time?: string, format: (date: string) => string = chineseDate): Result {
  return <time dateTime={time === undefined ? date : `${date}T${time}`}>{time === undefined ? format(date) : `${format(date)} ${time}`}</time>;
}

/** One row of a definition list; `undefined` values leave the row out. */
export interface Field {
  term: string;
  value: Result | string | undefined;
}

/** The disclosure metadata block (信息公开要素) or any other term/value list. */
export function fieldList(className: string, fields: Field[]): Result {
  return (
    <dl class={className}>
      {fields
        .filter((field) => field.value !== undefined)
        .map((field) => (
          <div>
            <dt>{field.term}</dt>
            <dd>{field.value}</dd>
          </div>
        ))}
    </dl>
  );
}

/** The attachments of a document: title, type and, when known, size, in the document's language. */
export function attachmentList(attachments: Attachment[], sizes: Record<string, number>, lang: Lang, langAttribute: string | undefined): Result | undefined {
  if (attachments.length === 0) return undefined;
  const text = textFor(lang);
  return (
    <section class="attachments" aria-labelledby="attachments-title" lang={langAttribute}>
      <h2 id="attachments-title">{text.attachments.title}</h2>
      <ol>
        {attachments.map((attachment) => {
          const size = sizes[attachment.file];
          const type = fileTypeLabel(attachment.name, text);
          return (
            <li>
              <a href={attachment.urlPath} type={fileMediaType(attachment.name)}>
                {attachment.title}
              </a>
              <span class="file-details">{text.attachments.details(size === undefined ? [type] : [type, fileSize(size)])}</span>
            </li>
          );
        })}
      </ol>
    </section>
  );
}

/**
 * 文件校验: each file a document publishes with its exact size and SHA-256, for a reader to check
 * a download against (and the origin's signed manifest, which lists every file of the site). The
 * digest is one unbroken word: the body's `overflow-wrap` breaks it on a narrow screen, and a
 * double click selects all of it.
 */
export function fileChecksums(files: PublishedFile[], manifestUrl: string, lang: Lang, langAttribute: string | undefined): Result | undefined {
  if (files.length === 0) return undefined;
  const text = textFor(lang);
  const { title, intro, pdf, bytes, details } = text.checksums;
  const [before, manifest, after] = intro;
  return (
    <section class="file-checksums" aria-labelledby="file-checksums-title" lang={langAttribute}>
      <h2 id="file-checksums-title">{title}</h2>
      <p>
        {before}
        <a href={manifestUrl}>{manifest}</a>
        {after}
      </p>
      <ul>
        {files.map((file) => {
          const what = file.edition === true ? pdf : file.title !== undefined && file.title !== file.name ? file.title : undefined;
          const sizes = file.size < 1024 ? [bytes(file.size)] : [fileSize(file.size), bytes(file.size)];
          return (
            <li>
              <p class="checksum-file">
                <a href={file.urlPath} type={file.mediaType}>
                  {file.name}
                </a>
                <span class="file-details">{details(what === undefined ? sizes : [what, ...sizes])}</span>
              </p>
              <p class="checksum">
                {text.labelled('SHA-256')}
                <code class="sha256" translate="no">
                  {file.sha256}
                </code>
              </p>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** Marks a withdrawn document wherever it is still listed. */
export function withdrawnMark(record: Pick<DocumentRecord, 'status'>): Result | undefined {
  return record.status === 'withdrawn' ? <span class="withdrawn-mark">已撤回</span> : undefined;
}

/** A list of published documents: title link, kind for press conferences, withdrawal mark, date. */
export function documentList(records: DocumentRecord[], options: { showKind?: boolean } = {}): Result {
  return (
    <ul class="document-list">
      {records.map((record) => (
        <li>
          <a href={record.urlPath} lang={record.lang === 'en' ? 'en' : undefined}>
            {record.title}
          </a>
          {options.showKind === true && record.kind === 'conference' ? <span class="kind">{kindLabels.conference}</span> : undefined}
          {withdrawnMark(record)}
          {dateTime(record.date)}
        </li>
      ))}
    </ul>
  );
}

/**
 * 按月查看: the month pages of a listing by year, newest first as given, each with its count.
 * `months` are YYYY-MM; `unit` is the counter word (条, 件); `empty` shows when there are none.
 */
export function monthArchive(months: { month: string; count: number }[], href: (month: string) => string, unit: string, empty?: string): Result {
  const years = [...new Set(months.map((m) => m.month.slice(0, 4)))];
  return (
    <nav class="month-archive" aria-labelledby="archive-title">
      <h2 id="archive-title">按月查看</h2>
      {years.length === 0 && empty !== undefined ? <p class="empty">{empty}</p> : undefined}
      {years.map((year) => (
        <section aria-labelledby={`archive-${year}`}>
          <h3 id={`archive-${year}`}>{year}年</h3>
          <ul>
            {months
              .filter((m) => m.month.startsWith(year))
              .map((m) => (
                <li>
                  <a href={href(m.month)}>{chineseMonth(m.month)}</a>
                  <span class="count">
                    （{m.count}
                    {unit}）
                  </span>
                </li>
              ))}
          </ul>
        </section>
      ))}
    </nav>
  );
}
