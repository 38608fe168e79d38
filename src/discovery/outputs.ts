// The table of pages derived from the published records, in the order they are written: the
// listings (home, archives, press head and month pages), then the disclosure catalogue,
// statistics, special columns, permalinks, the JSON API, the search index and the sitemaps.
// Each output is a table of pages: all of them for a full build, and only those a change touches
// otherwise. Each declares its wave; the build writes them wave by wave (src/publish/derivedStage.ts),
// skipping objects whose bytes are unchanged, so that a page is written only after the pages it
// links to: a page links only to pages of earlier waves, to documents and issues, and (in every
// page's navigation) to the listings, which come first. The waves, lowest first:
//   0–2     listings: year, month and not-found pages; the archives; the home page (listings.ts)
//   3       permalinks           10–13  catalogue and statistics      20–22  special columns
//   40–42   JSON API             89     search                        90–91  sitemaps, robots.txt
import type { ContentSet } from '../content/model.ts';
import type { Artifact } from '../outputs.ts';
import type { RenderContext } from '../render/html/context.ts';
import type { DocumentRecord, IssueRecord, ObjectStore } from '../store/ports.ts';
import { listingOutputs } from './listings.ts';
import { searchOutput } from './search.ts';
import { apiOutputs } from './api.ts';
import { catalogueOutputs } from './catalogue.ts';
import { statisticsOutputs } from './stats.ts';
import { columnPagesOutputs } from './columnPages.ts';
import { permalinkOutput } from './permalinks.ts';
import { sitemapOutputs } from './sitemaps.ts';
import { sameJson } from '../sameJson.ts';

export interface DerivedInput {
  content: ContentSet;
  /** Render context without feed links; add the feeds a page announces with `alternateFeedLinks`. */
  ctx: RenderContext;
  /** Every record readers may see: published or withdrawn (withdrawn keep a page with a notice),
   * never scheduled. Sorted newest first (date, then id). */
  documents: DocumentRecord[];
  /** Published issues, oldest first. */
  issues: IssueRecord[];
  /** The bucket (keys with their `site/` prefix), for outputs that update what they wrote last time
   * instead of rendering it all again (the search index). Read only; absent: render everything. */
  objects?: ObjectStore;
  /** Outputs may compute on worker threads of their own (the command on one machine; not in a Lambda function). */
  workerThreads?: boolean;
}

/** Content besides the records that some outputs show: a change to it renders those outputs whole. */
export type DerivedUse = 'columns' | 'calendar';

/** What a build changed, for the outputs: documents and issues, and the content `uses` names. */
export interface DerivedChanges {
  documents: readonly Change[];
  issues: readonly IssueRecord[];
  /** Changed since the last build: every output that uses one of these renders all its pages. */
  whole?: ReadonlySet<DerivedUse>;
}

/** A document the build committed: its record before (none: new) and after (none: gone). */
export interface Change {
  before?: DocumentRecord;
  after?: DocumentRecord;
}

export interface DerivedOutput<P = unknown> {
  name: string;
  /** Write order: lower first; outputs of one wave are written together. */
  wave: number;
  /**
   * The content besides the records its pages show (the columns, the calendar): when it changed,
   * every page is rendered again. Each output must name what it reads of `input.content` beyond
   * `site` and the documents' own facts: a test holds a build after such a change to the bytes of
   * a full one (test/publish/derivedUses.test.ts).
   */
  uses?: readonly DerivedUse[];
  /** Called for every output before it renders all its pages: start slow work on another thread. */
  prepare?(input: DerivedInput): void;
  /** Every page, for a full build (new render code or site.yaml), or when what it `uses` changed. */
  all(input: DerivedInput): P[] | Promise<P[]>;
  /** The pages showing any changed document or issue. */
  affected(input: DerivedInput, changes: readonly Change[], changedIssues: readonly IssueRecord[]): P[] | Promise<P[]>;
  /**
   * What the output's pages show of a document, when none of them is the document's own (see
   * listedFacts.ts): a change that leaves it equal is not passed to `affected`. Absent: every
   * change is.
   */
  shows?(record: DocumentRecord): unknown;
  /** Stable identity of a page, to merge duplicates. */
  id(page: P): string;
  render(input: DerivedInput, page: P): Artifact[] | Promise<Artifact[]>;
}

/** Type a module's output for the registry (its pages only ever go back to its own functions). */
export function defineOutput<P>(output: DerivedOutput<P>): DerivedOutput<unknown> {
  return output;
}

/** Every derived output: each module adds its `defineOutput(...)` here. */
export const derivedOutputs: DerivedOutput<unknown>[] = [
  ...listingOutputs,
  searchOutput,
  ...apiOutputs,
  ...catalogueOutputs,
  ...statisticsOutputs,
  ...columnPagesOutputs,
  permalinkOutput,
  // The sitemaps list the pages of the outputs registered here.
  ...sitemapOutputs(() => derivedOutputs.map((output) => output.name)),
];

/** The changes an output's pages show: all, unless it says what it shows and that stayed equal. */
function shownChanges(output: DerivedOutput<unknown>, changes: readonly Change[]): readonly Change[] {
  if (output.shows === undefined) return changes;
  const shown = (record: DocumentRecord) => output.shows?.(record);
  return changes.filter(({ before, after }) => before === undefined || after === undefined || !sameJson(shown(before), shown(after)));
}

/**
 * The artifacts of every derived output, one batch per wave, lowest first (the outputs of a wave
 * together); `changes` undefined means all pages.
 */
export async function* derivedArtifacts(
  input: DerivedInput,
  changes?: DerivedChanges,
  /** Called as each output starts rendering (for progress and timings). */
  onOutput?: (name: string, wave: number) => void,
): AsyncGenerator<{ wave: number; artifacts: Artifact[] }> {
  const outputs = [...derivedOutputs].sort((a, b) => a.wave - b.wave);
  const whole = (output: DerivedOutput<unknown>) => changes === undefined || (output.uses ?? []).some((use) => changes.whole?.has(use) === true);
  for (const output of outputs) if (whole(output)) output.prepare?.(input);
  let batch: { wave: number; artifacts: Artifact[] } | undefined;
  for (const output of outputs) {
    if (batch !== undefined && batch.wave !== output.wave) {
      yield batch;
      batch = undefined;
    }
    batch ??= { wave: output.wave, artifacts: [] };
    onOutput?.(output.name, output.wave);
    const pages = await (changes === undefined || whole(output)
      ? output.all(input)
      : output.affected(input, shownChanges(output, changes.documents), changes.issues));
    const unique = new Map(pages.map((page) => [output.id(page), page]));
    for (const page of unique.values()) batch.artifacts.push(...(await output.render(input, page)));
  }
  if (batch !== undefined) yield batch;
}
