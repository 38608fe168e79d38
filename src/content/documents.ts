// Phase 4 of loadContent: the documents, each built from its source (buildDocument.ts) against
// site.yaml, the tree, its issue and the files it refers to. In watch mode a memo keeps the
// documents of earlier loads of the process: a file whose inputs all have the digests they had
// then gives the document built then, so a save re-builds one document, not ten thousand.

import { buildDocument } from './buildDocument.ts';
import type { IssueIndex } from './issueIndex.ts';
import type { ContentMessage, GazetteDocument, SiteConfig } from './model.ts';
import type { ReferencedFiles } from './referencedFiles.ts';
import type { SiteData } from './schemas.ts';
import type { ContentEntry, Report, SourceFile } from './sourceFiles.ts';

/** Opaque: pass the same one to every load of one process (watch mode). */
export interface DocumentMemo {
  readonly kind: 'document-memo';
}

/** One file's document, with the digests of what it was built from. */
interface MemoEntry {
  document: GazetteDocument;
  digest: string;
  site: string | undefined;
  listing: readonly ContentEntry[];
  issue: string | undefined;
  files: string;
}

type DocumentMemoMap = Map<string, MemoEntry>;

export function createDocumentMemo(): DocumentMemo {
  return new Map<string, MemoEntry>() as unknown as DocumentMemo;
}

export interface BuildDocumentsInput {
  sources: readonly SourceFile[];
  site: SiteConfig | undefined;
  /** site.yaml's lists as far as they are valid: names are checked against a site.yaml with errors too. */
  siteNames: Partial<SiteData> | undefined;
  /** site.yaml's digest. */
  siteDigest: string | undefined;
  issues: IssueIndex;
  /** The tree's listing: links are checked against it. The memo holds only for the very same listing. */
  entries: readonly ContentEntry[];
  files: Set<string>;
  references: ReferencedFiles;
  memo: DocumentMemo | undefined;
}

/** Every document without errors of its own, sorted by file. */
export function buildDocuments(input: BuildDocumentsInput, messages: readonly ContentMessage[], report: Report): GazetteDocument[] {
  const { site, issues, references } = input;
  const memo = input.memo as DocumentMemoMap | undefined;
  const documents: GazetteDocument[] = [];
  for (const file of input.sources) {
    if (file.role.role === 'issue') continue;
    // What a document is built from besides its own source: site.yaml, the tree (links are
    // checked against it), its issue's index.md and the files it refers to.
    const issueDigest = file.role.role === 'article' ? issues.get(`${file.role.year}/${file.role.nn}`)?.source.source.digest : undefined;
    const referencedFiles = references.fingerprint(file.rel);
    const kept = memo?.get(file.rel);
    if (
      kept !== undefined &&
      kept.digest === file.source.digest &&
      kept.site === input.siteDigest &&
      kept.listing === input.entries &&
      kept.issue === issueDigest &&
      kept.files === referencedFiles
    ) {
      documents.push(kept.document);
      continue;
    }
    const reported = messages.length;
    const document = buildDocument(file, site, input.siteNames, issues, input.files, references.resolved, report);
    if (document === undefined) continue;
    documents.push(document);
    if (messages.length === reported) {
      memo?.set(file.rel, { document, digest: file.source.digest, site: input.siteDigest, listing: input.entries, issue: issueDigest, files: referencedFiles });
    } else {
      memo?.delete(file.rel);
    }
  }
  return documents.sort((a, b) => (a.file < b.file ? -1 : 1));
}
