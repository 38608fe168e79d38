// Rules of a document's life across files and builds: what replaces it (`supersededBy`), what a
// published page may link to (no drafts, nothing still under embargo when it goes out), what
// the published records demand of the content (no deleted files), and the change note a new
// version needs.

import type { AnalyzedSource, FileMessage } from './analyze.ts';
import { fieldsOf, positionFrom } from './analyze.ts';
import { isPageLink, pageLinkTarget, splitUrl } from './links.ts';
import type { ContentMessage, GazetteDocument } from './model.ts';
import { didYouMean } from './suggest.ts';

/** What these rules need of a source file: its path and what its analysis found. */
interface Source {
  rel: string;
  source: AnalyzedSource;
}

type Report = (file: string, at: { line: number; column: number }, message: Omit<FileMessage, 'line' | 'column'>) => void;

interface LifecycleData {
  id?: string;
  date?: string;
  draft?: boolean;
  publishAt?: string;
  supersededBy?: string;
  changeNote?: string;
}

// A file with errors of its own still counts with its valid fields: its id exists, its links lead somewhere.
const dataOf = (file: Source) => fieldsOf(file.source) as LifecycleData | undefined;

/** `supersededBy` must name another existing document. */
export function checkSupersededBy(sources: readonly Source[], report: Report): void {
  const ids = new Set(sources.map((file) => dataOf(file)?.id).filter((id): id is string => id !== undefined));
  for (const file of sources) {
    const data = dataOf(file);
    const target = data?.supersededBy;
    if (target === undefined) continue;
    const at = positionFrom(file.source.positions, ['supersededBy']);
    if (target === data?.id) {
      report(file.rel, at, {
        severity: 'error',
        ruleId: 'unknown-superseded-by',
        message: 'A document cannot supersede itself.',
        hint: 'Write the id of the document that replaces this one.',
      });
    } else if (!ids.has(target)) {
      report(file.rel, at, {
        severity: 'error',
        ruleId: 'unknown-superseded-by',
        message: `\`supersededBy\` names "${target}", but no document has that id.`,
        hint: didYouMean(target, ids) ?? 'Write the `id` of the replacing document, as in its front matter; add that document first.',
      });
    }
  }
}

/**
 * A page must not lead readers to a page that does not exist yet: no link (nor `supersededBy`)
 * to a draft, and none to a document whose `publishAt` is later than the linking page's own
 * publication — its `publishAt`, or `now` when that is later (or absent) — unless that document
 * is a correction (it has a `changeNote`), whose page is out. Drafts link freely.
 */
export function checkLinkedPublication(sources: readonly Source[], now: Date | undefined, report: Report): void {
  const byFile = new Map(sources.map((file) => [file.rel, file]));
  const byId = new Map(sources.flatMap((file) => (dataOf(file)?.id === undefined ? [] : [[dataOf(file)?.id as string, file] as const])));
  for (const file of sources) {
    const data = dataOf(file);
    if (data === undefined || data.draft === true || data.id === undefined) continue;
    const targets: { file: Source; at: { line: number; column: number }; what: string }[] = [];
    for (const reference of file.source.references) {
      const { path } = splitUrl(reference.url);
      if (path === '' || !isPageLink(path)) continue;
      const target = byFile.get(pageLinkTarget(file.rel, path));
      if (target !== undefined && target !== file) targets.push({ file: target, at: reference, what: `The link "${reference.url}"` });
    }
    const replacing = data.supersededBy === undefined ? undefined : byId.get(data.supersededBy);
    if (replacing !== undefined && replacing !== file) {
      targets.push({ file: replacing, at: positionFrom(file.source.positions, ['supersededBy']), what: '`supersededBy`' });
    }
    for (const target of targets) {
      const targetData = dataOf(target.file);
      if (targetData === undefined) continue;
      const at = { line: target.at.line, column: target.at.column };
      if (targetData.draft === true) {
        report(file.rel, at, {
          severity: 'error',
          ruleId: 'link-to-draft',
          message: `${target.what} leads to content/${target.file.rel}, a draft, which is never published.`,
          hint: 'Remove the link, or publish that document first (remove `draft: true`).',
        });
        continue;
      }
      // A correction under embargo (a change note says it is a new version) has its page out already:
      // a link leads to the published version until the release (and a page that is not public yet
      // is never linked, whatever this check says: the render keeps such a link as text).
      if (targetData.publishAt === undefined || targetData.changeNote !== undefined) continue;
      const release = Date.parse(targetData.publishAt);
      const ownRelease = data.publishAt === undefined ? undefined : Date.parse(data.publishAt);
      const published = now === undefined ? ownRelease : Math.max(ownRelease ?? -Infinity, now.getTime());
      const early =
        published === undefined
          ? targetData.publishAt.slice(0, 10) > (data.date ?? '') // No clock: this page goes out on its own date.
          : release > published;
      if (!early) continue;
      const when =
        data.publishAt !== undefined && published === ownRelease
          ? `at its own publishAt ${data.publishAt}`
          : now === undefined
            ? `on ${data.date ?? 'its date'}`
            : 'now';
      report(file.rel, at, {
        severity: 'error',
        ruleId: 'link-to-embargoed',
        message: `${target.what} leads to content/${target.file.rel}, which is under embargo until ${targetData.publishAt}; this page would be published ${when}, before it.`,
        hint: `Remove the link until ${targetData.publishAt}, or give this document a \`publishAt\` at or after that time.`,
      });
    }
  }
}

/**
 * A link to one answer of a conference (`…/index.md#qa-3`, or `#qa-3` on the conference's own
 * page) must name an answer it has: the anchors are `qa-1` to `qa-<number of questions>`.
 */
export function checkAnswerLinks(sources: readonly Source[], report: Report): void {
  const byFile = new Map(sources.map((file) => [file.rel, file]));
  for (const file of sources) {
    for (const reference of file.source.references) {
      const { path, fragment } = splitUrl(reference.url);
      const answer = /^#qa-(\d+)$/.exec(fragment);
      if (answer === null || (path !== '' && !isPageLink(path))) continue;
      const target = path === '' ? file : byFile.get(pageLinkTarget(file.rel, path));
      const qa = target === undefined ? undefined : (fieldsOf(target.source) as { qa?: unknown } | undefined)?.qa;
      if (target === undefined || !Array.isArray(qa)) continue; // a missing page is broken-link's; a page without answers has no qa anchors to check here
      const n = Number(answer[1]);
      if (n >= 1 && n <= qa.length) continue;
      report(
        file.rel,
        { line: reference.line, column: reference.column },
        {
          severity: 'error',
          ruleId: 'broken-link',
          message: `The link "${reference.url}" leads to answer ${n} of content/${target.rel}, which has ${qa.length === 1 ? 'one question' : `${qa.length} questions`}.`,
          expected: `#qa-1 to #qa-${qa.length}, in the order of its \`qa\` list`,
          hint: "Count the question in the conference's `qa` list (the first is #qa-1) and correct the number.",
        },
      );
    }
  }
}

/** A document as the published records know it. */
export interface PublishedDocument {
  id: string;
  /** Content-relative path of its source file when it was last published. */
  file: string;
  version: number;
  changeNote?: string;
  /** `published`, `withdrawn` or `scheduled` (not public yet). */
  status: string;
}

/**
 * What the published records demand of the content: a document that is (or was) public keeps
 * its file, and its id. Scheduled documents are not public yet, so their files may go. Pure.
 */
export function checkAgainstPublished(
  content: { documents: readonly Pick<GazetteDocument, 'id' | 'file'>[] },
  published: readonly PublishedDocument[],
): ContentMessage[] {
  const ids = new Set(content.documents.map((doc) => doc.id));
  const byFile = new Map(content.documents.map((doc) => [doc.file, doc]));
  const messages: ContentMessage[] = [];
  for (const record of published) {
    if (record.status === 'scheduled' || ids.has(record.id)) continue;
    const start = { file: record.file, line: 1, column: 1, severity: 'error' as const };
    const successor = byFile.get(record.file);
    if (successor !== undefined) {
      messages.push({
        ...start,
        ruleId: 'published-id-changed',
        message: `${record.file} was published with the id "${record.id}" (version ${record.version}), but its id is now "${successor.id}". Ids are permanent.`,
        expected: `id: ${record.id}`,
        actual: `id: ${successor.id}`,
        hint: `Write \`id: ${record.id}\` again. For a new document, create a new file with the new id and withdraw this one.`,
      });
      continue;
    }
    const withdrawn = record.status === 'withdrawn';
    messages.push({
      ...start,
      ruleId: 'published-file-deleted',
      message: withdrawn
        ? `${record.file} (id "${record.id}") was withdrawn and has been deleted; a withdrawn document keeps its page with the withdrawal notice, so its file must stay.`
        : `${record.file} (id "${record.id}", version ${record.version}) is published and has been deleted; a published document cannot be deleted.`,
      hint: withdrawn
        ? `Restore the file (\`git checkout -- content/${record.file}\`), keeping \`status: withdrawn\`.`
        : `Restore the file (\`git checkout -- content/${record.file}\`), then withdraw it instead: add \`status: withdrawn\`, \`withdrawnReason: …\` and \`withdrawnDate: YYYY-MM-DD\` to its front matter. Its page stays, with a withdrawal notice in place of the body.`,
    });
  }
  return messages;
}

/**
 * The change note of a new version of a published document, when the caller found that its
 * content changed: it must be there, and must not repeat the previous version's note.
 * Withdrawals carry their own reason and need none.
 */
export function changeNoteProblem(doc: GazetteDocument, previousChangeNote: string | undefined): ContentMessage | undefined {
  if (doc.status === 'withdrawn') return undefined;
  const at = { file: doc.file, line: doc.changeNoteLine ?? 1, column: 1, severity: 'error' as const };
  if (doc.changeNote === undefined) {
    return {
      ...at,
      ruleId: 'missing-change-note',
      message: 'The document is published and has changed, but has no `changeNote` saying what changed (更正说明).',
      hint: 'Add `changeNote: …` (shown on the page as the 更正 note) and `changeDate: YYYY-MM-DD`.',
    };
  }
  if (previousChangeNote !== undefined && doc.changeNote.trim() === previousChangeNote.trim()) {
    return {
      ...at,
      ruleId: 'stale-change-note',
      message: 'The document has changed again, but `changeNote` is still the note of the previous version.',
      actual: doc.changeNote,
      hint: 'Replace `changeNote` (and `changeDate`) with what changed in this version; earlier notes stay in the version history.',
    };
  }
  return undefined;
}
