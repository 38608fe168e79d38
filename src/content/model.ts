// The content model shared by loading, checking, rendering and publishing.
// Everything here is plain data: loaders produce it, later stages only read it.

export type Lang = 'zh-CN' | 'en';
export type Validity = '有效' | '失效' | '废止';
export type DocumentKind = 'article' | 'release' | 'conference';
/** What the front matter says of a document's life: withdrawn documents keep a page with a notice. */
export type LifecycleStatus = 'published' | 'withdrawn';

export interface Department {
  /** Short stable id used in URLs and keys, e.g. `zfb`. */
  id: string;
  /** Full name as printed (发布机构), e.g. 淮南市人民政府办公室. Front matter refers to this name. */
  name: string;
  nameEn?: string;
  /** Organisation code used as the first part of 索引号, e.g. `003210045`. */
  code: string;
}

export interface Topic {
  id: string;
  /** 主题分类 as printed; front matter refers to this name. */
  name: string;
  nameEn?: string;
}

export interface Section {
  id: string;
  /** e.g. 市政府文件; front matter refers to this name. Order in site.yaml is the order in an issue. */
  name: string;
}

export interface SiteConfig {
  name: string;
  nameEn?: string;
  /** Absolute base URL ending in `/`, e.g. https://www.huainan.gov.cn/ */
  baseUrl: string;
  lang: Lang;
  /** Who publishes the gazette, e.g. 淮南市人民政府办公室. */
  publisher: string;
  /** Masthead of the gazette, e.g. 淮南市人民政府公报. */
  gazetteTitle: string;
  departments: Department[];
  topics: Topic[];
  sections: Section[];
  /** Offset from UTC of the site's calendar dates, e.g. `+08:00` (default: see siteSettings.ts). */
  utcOffset?: string;
  /** Examples shown to readers (search hint) and editors (check hints), from the site's own documents. */
  examples?: { docNumber?: string; id?: string };
  /**
   * Feed settings (all optional): entries per subscription document, full text in facet archives, the WebSub hub of the
   * site's own feeds, the date in the tag URIs of feed and entry ids.
   */
  feeds?: { entries?: number; archiveFullText?: 'canonical' | 'every'; hub?: string; tagDate?: string };
}

/** A position in a content file, 1-based like editors' tools. */
export interface Position {
  line: number;
  column: number;
}

export interface Attachment {
  /** Content-relative POSIX path of the file, e.g. press/2010/briefing/report.pdf. */
  file: string;
  /** Title shown in the link text. */
  title: string;
  /** File name in the published URL (basename of `file`). */
  name: string;
  /** Site path where it is published, e.g. /press/2010/briefing/report.pdf */
  urlPath: string;
  /** sha256 (hex) of the file's bytes, as loading read them: publishing compares it, never hashes again. */
  sha256?: string;
}

export interface Person {
  name: string;
  /** Title/position, e.g. 市政府新闻发言人、市政府办公室副主任. */
  title: string;
}

export interface QaPair {
  /** 1-based; the HTML anchor is `qa-<n>`. */
  n: number;
  question: string;
  /** Who asked, e.g. 淮南日报记者. */
  askedBy?: string;
  answer: string;
  /** Who answered (a speaker's name). */
  answeredBy?: string;
}

export interface IssueRef {
  year: number;
  /** 期号 within the year. */
  number: number;
  /** 总期号 since the first issue. */
  totalNumber: number;
}

interface DocumentBase {
  kind: DocumentKind;
  /** Permanent id, never reused: lower-case letters, digits and `-`. */
  id: string;
  title: string;
  lang: Lang;
  /** Content-relative POSIX path of the Markdown file. */
  file: string;
  /** Site path of the page, always ending in `/`, e.g. /gazette/2010/05/huaifu-2010-69/ */
  urlPath: string;
  department: Department;
  category: Topic;
  /** Publication date (发布日期), YYYY-MM-DD. */
  date: string;
  /** Embargo: ISO 8601 date-time with offset; absent means publish at build. */
  publishAt?: string;
  draft: boolean;
  summary?: string;
  /** Id of the document this one translates. */
  translationOf?: string;
  /** Free keywords (标签) that special columns may select on, e.g. 制度执行年. Always set by
   * `loadContent` (empty when none); optional only so hand-built test documents may omit it. */
  tags?: string[];
  attachments: Attachment[];
  /** Images and files the body links to, published beside the page (`<urlPath><name>`).
   * Always set by `loadContent`; optional only so hand-built test documents may omit it. */
  assets?: Attachment[];
  /** `published` (the default) or `withdrawn`. Always set by `loadContent`; optional only so
   * hand-built test documents may omit it (absent means published). */
  status?: LifecycleStatus;
  /** Why the document was withdrawn (撤回原因); set exactly when `status` is `withdrawn`. */
  withdrawnReason?: string;
  /** When it was withdrawn, YYYY-MM-DD; set exactly when `status` is `withdrawn`. */
  withdrawnDate?: string;
  /** What changed in this version (更正/修订说明); required by publishing when a published document changes. */
  changeNote?: string;
  /** When this version's change was made, YYYY-MM-DD; set whenever `changeNote` is. */
  changeDate?: string;
  /** Line of `changeNote` in `file` (of the front matter start when absent), for positioned messages. */
  changeNoteLine?: number;
  /** Id of the document that replaces this one; only on articles whose validity is 失效 or 废止. */
  supersededBy?: string;
  /** The relative URLs of the body's links, images and definitions, as written (`../05/x.md`,
   * `photo.jpg#p2`), from the file's analysis: what a page links is known without reading the
   * body. Always set by `loadContent`; optional only so hand-built test documents may omit it
   * (then the body is parsed for them). */
  links?: string[];
  /** Markdown body without front matter. */
  body: string;
  /** Line in `file` where the body starts (1-based), for positioned messages. */
  bodyLine: number;
  /** sha256 hex of the file's bytes and every attachment's bytes. */
  sourceDigest: string;
}

export interface ArticleDocument extends DocumentBase {
  kind: 'article';
  issue: IssueRef;
  section: Section;
  /** 文号, e.g. 淮府〔2010〕69号; absent for speeches and data. */
  docNumber?: string;
  /** 成文日期, YYYY-MM-DD. */
  signedDate: string;
  validity: Validity;
}

export interface ReleaseDocument extends DocumentBase {
  kind: 'release';
}

export interface ConferenceDocument extends DocumentBase {
  kind: 'conference';
  /** Start time, HH:MM (local time of the site). */
  time: string;
  venue: string;
  host: Person;
  speakers: Person[];
  qa: QaPair[];
}

export type GazetteDocument = ArticleDocument | ReleaseDocument | ConferenceDocument;

export interface GazetteIssue {
  year: number;
  number: number;
  totalNumber: number;
  /** Publication date of the issue, YYYY-MM-DD. */
  date: string;
  title: string;
  /** Markdown editor's note (the body of index.md, or front matter editorNote). */
  editorNote?: string;
  file: string;
  /** e.g. /gazette/2010/05/ */
  urlPath: string;
  sourceDigest: string;
  /** Ids of the issue's articles, in table-of-contents order (section order, then file order). */
  articleIds: string[];
}

/**
 * A special column (专栏), `content/columns/<id>.md`: a page and feeds gathering the documents
 * its rule selects. A document belongs when it matches every criterion the rule names (an
 * empty list or absent bound names none); `documents` lists ids taken regardless of the rest.
 */
export interface Column {
  /** Permanent id, used in URLs: `/zhuanlan/<id>/`, `feeds/columns/<id>/`. */
  id: string;
  title: string;
  /** Markdown introduction (the body of the file). */
  description: string;
  /** One line for listings and feed descriptions. */
  summary?: string;
  rule: ColumnRule;
  /** Order among columns on the columns index page (ascending, then id). */
  order: number;
  file: string;
  urlPath: string;
  sourceDigest: string;
}

export interface ColumnRule {
  /** Topic names (主题分类); any of them. */
  topics: string[];
  /** Department names (发布机构); any of them. */
  departments: string[];
  /** Tags; any of them. */
  tags: string[];
  /** Document kinds; any of them. */
  kinds: DocumentKind[];
  /** Ids always in the column (still only once public). */
  documents: string[];
  /** Publication dates, inclusive, YYYY-MM-DD. */
  from?: string;
  to?: string;
}

/**
 * The working-day calendar (`content/calendar/<year>.yaml`): the days of public holidays and
 * the 调休 weekend days that are working days. A year without a file counts Monday to Friday.
 */
export interface WorkCalendar {
  /** Years that have a calendar file. */
  years: number[];
  /** YYYY-MM-DD → holiday name, for every day of each holiday (from..to, weekend days included). */
  holidays: Map<string, string>;
  /** YYYY-MM-DD of weekend days that are working days (调休上班). */
  workdays: Set<string>;
}

/** What `loadContent` returns: a whole validated site, or the messages that stop it. */
export interface ContentSet {
  root: string;
  site: SiteConfig;
  issues: GazetteIssue[];
  documents: GazetteDocument[];
  /** Special columns, ordered. */
  columns: Column[];
  calendar: WorkCalendar;
  /** Content-relative POSIX file → site URL path, for documents, issue index files, attachments
   * and body assets. Rendering resolves relative links in bodies through it. */
  routes: Map<string, string>;
}

export type Severity = 'error' | 'warning';

/** An editor's mistake, with its place. Programming errors throw instead. */
export interface ContentMessage {
  /** Content-relative POSIX path, or `site.yaml`. */
  file: string;
  line: number;
  column: number;
  severity: Severity;
  /** What happened, in one sentence. */
  message: string;
  /** Permanent kebab-case name of the rule, e.g. `unknown-department`. */
  ruleId: string;
  expected?: string;
  actual?: string;
  /** What to do about it. */
  hint?: string;
}
