// URLs and wording of the disclosure catalogue, shared by its pages and the other parts that
// link into it (statistics, document pages).

import type { DocumentKind } from '../content/model.ts';

export const CATALOGUE_PATH = '/xxgk/';
/** Statistics and ranking (信息统计排行): see stats.ts. */
export const STATISTICS_PATH = '/xxgk/tongji/';
/** Path segments of the facets, as the city's disclosure sites name them (pinyin). */
export type FacetName = 'bumen' | 'zhuti' | 'niandu' | 'leibie';
export const facetNames: readonly FacetName[] = ['bumen', 'zhuti', 'niandu', 'leibie'];

export const facetLabels: Record<FacetName, string> = {
  bumen: '按发布机构',
  zhuti: '按主题分类',
  niandu: '按年度',
  leibie: '按类别',
};

/** What the catalogue calls each kind. */
export const catalogueKindLabels: Record<DocumentKind, string> = {
  article: '政府公报文件',
  release: '新闻发布稿',
  conference: '新闻发布会',
};
export const catalogueKinds: readonly DocumentKind[] = ['article', 'release', 'conference'];

/** One value of a facet: a department, topic, year or kind. */
export interface FacetValue {
  facet: FacetName;
  /** URL segment: department or topic id, `yyyy`, or the kind. */
  value: string;
  /** As readers see it, e.g. 淮南市人民政府, 政务公开, 2010年, 政府公报文件. */
  label: string;
  /** The feed of the same selection: `departments/<id>`, `topics/<id>`, `gazette`, `press` or `all`. */
  feed: string;
  /** What `alternateFeedLinks` takes to announce that feed. */
  feedContext: { section?: 'gazette' | 'press'; department?: string; topic?: string };
}

export function facetPath(facet: FacetName, value: string): string {
  return `${CATALOGUE_PATH}${facet}/${encodeURIComponent(value)}/`;
}

export function facetMonthPath(facet: FacetName, value: string, month: string): string {
  return `${facetPath(facet, value)}${month}/`;
}

export function statisticsYearPath(year: number): string {
  return `${STATISTICS_PATH}${year}/`;
}
export function statisticsMonthPath(month: string): string {
  return `${STATISTICS_PATH}${month}/`;
}
export function statisticsReportPath(year: number): string {
  return `${STATISTICS_PATH}${year}/niandu-baogao/`;
}
/** `/xxgk/tongji/2010.csv`, `.json`, and `/xxgk/tongji/2010/niandu-baogao.json`. */
export function statisticsFilePath(year: number, format: 'csv' | 'json'): string {
  return `${STATISTICS_PATH}${year}.${format}`;
}
export function statisticsReportJsonPath(year: number): string {
  return `${STATISTICS_PATH}${year}/niandu-baogao.json`;
}
