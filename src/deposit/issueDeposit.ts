// The deposit package of one gazette issue for the reading points (查阅点): a BagIt bag holding
// the whole-issue PDF, each article's PDF and files as published, a Dublin Core record and the
// disclosure fields per article, and the issue's contents. It is read from the published records
// and the site's objects through the ports, so the CLI (local stores) and the finalize step on
// AWS make the same bytes from the same publication.

import { depositName, depositZipKey, documentPdfKey, issuePdfKey } from '../content/keys.ts';
import { urlPathOfKey } from '../content/sitePath.ts';
import { mapLimit } from '../concurrency.ts';
import { type Artifact, artifact } from '../outputs.ts';
import { type ArtifactRef, type DocumentRecord, type IssueRecord, type ObjectStore, SITE_PREFIX } from '../store/ports.ts';
import { type Bag, type BagFile, makeBag, sha256Hex } from './bagit.ts';
import { zipBag } from './zip.ts';
import {
  type DepositFileRef,
  type DepositIssue,
  type DepositSite,
  documentDublinCore,
  documentMetadata,
  issueContents,
  issueDublinCore,
  issueLabel,
  jsonText,
} from './metadata.ts';

// The bag's name and its ZIP's key are part of the key layout; the CLI imports them from here.
export { depositName, depositZipKey };

export class DepositError extends Error {
  override name = 'DepositError';
}

export interface IssueDepositInput {
  objects: ObjectStore;
  site: DepositSite;
  /** The issue as published (its record). */
  issue: DepositIssue;
  /** The issue's articles as published, in the issue's order (scheduled ones left out). */
  articles: readonly DocumentRecord[];
  /** The whole-issue PDF: its bytes when the caller has them, else its record's reference (read from the bucket); none without PDFs. */
  issuePdf?: { ref: ArtifactRef; bytes?: Uint8Array } | undefined;
}

/** The folder of an article inside the payload: the last segment of its URL path (unique within an issue). */
function folderOf(record: DocumentRecord): string {
  return record.urlPath.split('/').filter(Boolean).at(-1) ?? record.id;
}

/**
 * Read an object the record names, checking it is the bytes the record says were published: a
 * deposit must never carry a file the site does not serve.
 */
async function publishedBytes(objects: ObjectStore, ref: ArtifactRef, owner: string): Promise<Uint8Array> {
  const stored = await objects.get(SITE_PREFIX + ref.key);
  const digest = stored === undefined ? undefined : sha256Hex(stored.body);
  if (stored !== undefined && digest === ref.sha256) return stored.body;
  throw new DepositError(
    `${owner} names ${ref.key} (sha256 ${ref.sha256}), but the site ${stored === undefined ? 'has no such object' : `holds other bytes there (sha256 ${digest})`}, ` +
      'and a deposit carries only what the record says was published. If another build is publishing this document now, ' +
      'this one fails and is retried (on AWS by its queue; locally run it again) once that build has committed. ' +
      'Otherwise the object was changed or deleted outside Gazette: restore it (the AWS site bucket keeps earlier versions) and build again.',
  );
}

/** Build the bag of one issue, in memory, each file read checked against its record. */
export async function issueDeposit(input: IssueDepositInput): Promise<Bag> {
  const { objects, site, issue, articles } = input;
  const payload: BagFile[] = [];
  const url = (key: string) => new URL(urlPathOfKey(key).slice(1), site.baseUrl).href;
  const ref = (path: string, role: DepositFileRef['role'], artifact: ArtifactRef): DepositFileRef => ({
    path,
    role,
    mediaType: artifact.contentType,
    size: artifact.size,
    sha256: artifact.sha256,
    url: url(artifact.key),
  });

  let issuePdf: DepositFileRef | undefined;
  if (input.issuePdf !== undefined) {
    const { ref: pdfRef } = input.issuePdf;
    const bytes = input.issuePdf.bytes ?? (await publishedBytes(objects, pdfRef, `the record of issue ${issue.year}-${issue.number}`));
    const path = issuePdfKey(issue).split('/').at(-1) as string;
    payload.push({ path, bytes });
    issuePdf = ref(path, 'pdf', pdfRef);
  }

  // Every file of every article is read at once, 16 at a time: on S3 each read costs a round trip,
  // and a rebuild after a template change makes every issue's package again.
  const wanted = articles.flatMap((record) => {
    const folder = folderOf(record);
    const pdfKey = documentPdfKey(record.urlPath);
    const own = record.urlPath.slice(1);
    // Pages are the site's view of the text; the PDF and the files are what is deposited.
    return record.artifacts
      .filter((artifact) => !artifact.contentType.startsWith('text/html'))
      .map((artifact) => {
        const isPdf = artifact.key === pdfKey;
        const name = artifact.key.startsWith(own) ? artifact.key.slice(own.length) : (artifact.key.split('/').at(-1) as string);
        return { record, artifact, file: ref(isPdf ? `${folder}/${name}` : `${folder}/attachments/${name}`, isPdf ? 'pdf' : 'attachment', artifact) };
      });
  });
  const read = await mapLimit(wanted, 16, async ({ record, artifact }) =>
    publishedBytes(objects, artifact, `the record of document ${record.id} (version ${record.version})`),
  );
  const folders = new Set<string>();
  const described = articles.map((record) => ({
    record,
    folder: folderOf(record),
    files: wanted.flatMap((item, i) => (item.record === record ? [{ file: item.file, bytes: read[i] as Uint8Array }] : [])),
  }));
  for (const { record, folder, files } of described) {
    if (folders.has(folder))
      throw new DepositError(`Two articles of issue ${issue.year}-${issue.number} publish under the folder name "${folder}"; each needs its own URL.`);
    folders.add(folder);
    for (const { file, bytes } of files) payload.push({ path: file.path, bytes });
    const text = (value: string) => new Uint8Array(Buffer.from(value, 'utf8'));
    payload.push({ path: `${folder}/dc.xml`, bytes: text(documentDublinCore(site, issue, record)) });
    payload.push({
      path: `${folder}/metadata.json`,
      bytes: text(
        jsonText(
          documentMetadata(
            site,
            issue,
            record,
            files.map(({ file }) => file),
          ),
        ),
      ),
    });
  }
  const contents = issueContents(
    site,
    issue,
    described.map(({ record, folder }) => ({ record, folder })),
    issuePdf,
  );
  payload.push({ path: 'contents.json', bytes: new Uint8Array(Buffer.from(jsonText(contents), 'utf8')) });
  payload.push({ path: 'dc.xml', bytes: new Uint8Array(Buffer.from(issueDublinCore(site, issue), 'utf8')) });

  return makeBag(depositName(issue), payload, [
    { label: 'Source-Organization', value: site.publisher },
    { label: 'External-Identifier', value: new URL(issue.urlPath.slice(1), site.baseUrl).href },
    { label: 'External-Description', value: `${site.gazetteTitle} ${issueLabel(issue)}` },
    { label: 'Bag-Group-Identifier', value: site.gazetteTitle },
    // The last date the content gives (see baggingDate), not the day this copy was made: the same
    // publication always gives the same bag, whenever and wherever it is made.
    { label: 'Bagging-Date', value: baggingDate(issue, articles) },
  ]);
}

/** The articles of an issue as published, in its order, from the records. */
export async function publishedArticles(issue: IssueRecord, getDocument: (id: string) => Promise<DocumentRecord | undefined>): Promise<DocumentRecord[]> {
  const records = await mapLimit(issue.articleIds, 8, getDocument);
  return records.filter((record): record is DocumentRecord => record !== undefined && record.status !== 'scheduled');
}

/** The issue PDF's reference in an issue record, when it has one. */
export function issuePdfRef(issue: IssueRecord): ArtifactRef | undefined {
  return issue.artifacts?.find((artifact) => artifact.key === issuePdfKey(issue));
}

/**
 * Bagging-Date and the ZIP's entry time: the latest date of the issue's content — its date, its
 * articles' 发布日期, correction dates (changeDate) and withdrawal dates — never the build's clock,
 * so rebuilding the same content at another time gives the same bytes, while a correction or a
 * withdrawal, which changes the bag, dates it anew.
 */
export function baggingDate(issue: Pick<IssueRecord, 'date'>, articles: readonly Pick<DocumentRecord, 'date' | 'changeDate' | 'withdrawnDate'>[]): string {
  const dates = [issue.date, ...articles.flatMap((record) => [record.date, record.changeDate, record.withdrawnDate])];
  return dates.reduce<string>((latest, next) => (next !== undefined && next.slice(0, 10) > latest ? next.slice(0, 10) : latest), issue.date.slice(0, 10));
}

/** The deposit ZIP of an issue, as the site publishes it beside the issue page. */
export async function issueDepositArtifact(input: IssueDepositInput): Promise<Artifact> {
  const bag = await issueDeposit(input);
  return artifact('zip', depositZipKey(input.issue), zipBag(bag, baggingDate(input.issue, input.articles)));
}

/**
 * The whole-issue PDF for the deposit of an issue being published: the one just rendered (among
 * `rendered`), else the one its record keeps (the version of record is never rendered again).
 */
export function issuePdfFor(
  issue: Pick<IssueRecord, 'year' | 'number' | 'urlPath'>,
  rendered: readonly Artifact[],
  kept: ArtifactRef | undefined,
): IssueDepositInput['issuePdf'] {
  const fresh = rendered.find((item) => item.key === issuePdfKey(issue));
  if (fresh !== undefined)
    return { ref: { key: fresh.key, size: fresh.body.byteLength, sha256: sha256Hex(fresh.body), contentType: fresh.contentType }, bytes: fresh.body };
  return kept === undefined ? undefined : { ref: kept };
}
