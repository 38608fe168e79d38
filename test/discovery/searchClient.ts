// The published search script, run in Node against the index files in a bucket: the very bytes
// the browser gets (`/assets/search.<hash>.js`, named by the search page), evaluated in a VM.
// Also the site the search tests build.

import { runInNewContext } from 'node:vm';
import { type ObjectStore, SITE_PREFIX } from '../../src/store/ports.ts';
import { sampleFiles } from '../publish/site.ts';

export interface SearchResult {
  n: number;
  tier: number;
  score: number;
}

export interface SearchDoc {
  id: string;
  url: string;
  title: string;
  docNumber?: string;
  department: string;
  date: string;
  text: string;
}

export interface SearchClient {
  searchTerms(text: string): string[];
  queryTerms(query: string): string[];
  snippet(text: string, query: string): { text: string; ranges: [number, number][] };
  /** Ranked results with their documents. */
  search(query: string): Promise<{ result: SearchResult; doc: SearchDoc }[]>;
}

interface Api {
  searchTerms(text: string): string[];
  queryTerms(query: string): string[];
  snippet(text: string, query: string): { text: string; ranges: [number, number][] };
  createSearcher(options: { load(path: string, kind: 'json' | 'bytes'): Promise<unknown> }): {
    search(query: string): Promise<SearchResult[]>;
    record(n: number): Promise<SearchDoc>;
  };
}

/** Values from the VM's realm, as plain values of ours (so equality checks compare contents). */
function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export async function bucketText(objects: ObjectStore, key: string): Promise<string> {
  const stored = await objects.get(SITE_PREFIX + key);
  if (stored === undefined) throw new Error(`no object ${key}`);
  return Buffer.from(stored.body).toString('utf8');
}

export async function loadSearchClient(objects: ObjectStore): Promise<SearchClient> {
  const page = await bucketText(objects, 'search/index.html');
  const src = /<script src="(\/assets\/search\.[0-9a-f]+\.js)"/.exec(page)?.[1];
  if (src === undefined) throw new Error('The search page names no search script.');
  const code = await bucketText(objects, src.slice(1));
  const sandbox: { GazetteSearch?: Api; TextDecoder: typeof TextDecoder } = { TextDecoder };
  runInNewContext(code, sandbox);
  const api = sandbox.GazetteSearch as Api;
  const searcher = api.createSearcher({
    load: async (path, kind) => {
      const stored = await objects.get(SITE_PREFIX + path.slice(1));
      if (stored === undefined) throw new Error(`404 ${path}`);
      return kind === 'json' ? JSON.parse(Buffer.from(stored.body).toString('utf8')) : new Uint8Array(stored.body);
    },
  });
  return {
    searchTerms: (text) => plain(api.searchTerms(text)),
    queryTerms: (query) => plain(api.queryTerms(query)),
    snippet: (text, query) => plain(api.snippet(text, query)),
    search: async (query) => {
      const results = plain(await searcher.search(query));
      return Promise.all(results.map(async (result) => ({ result, doc: plain(await searcher.record(result.n)) })));
    },
  };
}

/** A release whose body words are found nowhere else, to be withdrawn later. */
const secretRelease = `---
id: press-2010-yanqiu
title: 关于秋季征兵工作的通知
date: 2010-06-12
department: 淮南市人民政府新闻办公室
category: 综合政务
---
鸿雁踏雪，蓑笠渔翁独钓寒江。
`;

export function searchSiteFiles(): Record<string, string | Buffer> {
  return {
    ...sampleFiles(),
    'press/2010/yanqiu.md': secretRelease,
    // Mentions 政务公开 in the body only: must rank below documents with it in the title.
    'press/2010/body-only.md': `---
id: press-2010-body-only
title: 市长热线月度通报
date: 2010-06-21
department: 淮南市人民政府新闻办公室
category: 综合政务
---
本月热线办理情况良好，各单位按照政务公开要求及时回复，69号文件精神得到落实。
`,
  };
}
