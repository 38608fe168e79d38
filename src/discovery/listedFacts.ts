// What a page that lists documents may show of one: its record, but for what only the document's
// own pages show (its version, digests, files, change note and the clock times of its writes).
// An output whose pages other than a document's own show no more than this (`shows` in
// outputs.ts) is not asked for pages by a change that leaves it equal: a correction of a
// document's text rewrites its own pages, not the listings, catalogue and sitemaps it is in.

import type { DocumentRecord } from '../store/ports.ts';

export function listedFacts(
  record: DocumentRecord,
): Omit<DocumentRecord, 'version' | 'digest' | 'contentDigest' | 'changeNote' | 'artifacts' | 'updatedAt' | 'firstPublishedAt'> {
  const {
    version: _version,
    digest: _digest,
    contentDigest: _contentDigest,
    changeNote: _changeNote,
    artifacts: _artifacts,
    updatedAt: _updated,
    firstPublishedAt: _first,
    ...facts
  } = record;
  return facts;
}
