// The static JSON API, as a partner reads it: build the example content into the embedded S3
// and DynamoDB, validate every file under /api/v1/ against its published JSON Schema, follow
// every URL it gives, and check embargo, withdrawal and stable pagination.

import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadContent } from '../../src/content/load.ts';
import type { ContentSet } from '../../src/content/model.ts';
import { API_HEAD_SIZE, apiOutputs } from '../../src/discovery/api.ts';
import type { DerivedInput } from '../../src/discovery/outputs.ts';
import { buildSite, type BuildSummary } from '../../src/publish/build.ts';
import { sha256 } from '../../src/publish/digest.ts';
import { createSiteRenderer } from '../../src/publish/siteRenderer.ts';
import { type DocumentRecord, SITE_PREFIX } from '../../src/store/ports.ts';
import { createTestStores, type TestStores } from '../helpers/stores.ts';
import { ctx, site } from '../render/fixtures.ts';

// ajv-formats is CommonJS: its default export arrives wrapped under tsx/vitest.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv2020) => void;

const exampleContent = fileURLToPath(new URL('../../content/', import.meta.url));
const docsApi = fileURLToPath(new URL('../../docs/api/', import.meta.url));
const baseUrl = 'https://www.huainan.gov.cn/';
/** An hour before the embargo of press-2010-hotline-12345 (2010-12-08T10:00+08:00). */
const beforeRelease = new Date('2010-12-08T09:00:00+08:00');
const afterRelease = new Date('2010-12-31T09:00:00+08:00');
const embargoedId = 'press-2010-hotline-12345';
const withdrawnId = 'press-2010-chayuedian';

async function buildContent(root: string, stores: TestStores, now: Date): Promise<BuildSummary> {
  const { content, messages } = await loadContent(root, { now });
  expect(messages.filter((message) => message.severity === 'error')).toEqual([]);
  const renderer = await createSiteRenderer(content as ContentSet, { workers: 0 });
  try {
    return await buildSite({ content: content as ContentSet, objects: stores.objects, records: stores.records, renderer, now });
  } finally {
    await renderer.close();
  }
}

/** Every object under the API prefix: key (site-relative) → parsed JSON and bytes' sha256. */
async function apiFiles(stores: TestStores): Promise<Map<string, { json: unknown; sha: string; contentType: string }>> {
  const files = new Map<string, { json: unknown; sha: string; contentType: string }>();
  for await (const head of stores.objects.list(`${SITE_PREFIX}api/v1/`)) {
    const stored = await stores.objects.get(head.key);
    const text = Buffer.from(stored?.body ?? []).toString('utf8');
    files.set(head.key.slice(SITE_PREFIX.length), { json: JSON.parse(text), sha: sha256(stored?.body ?? new Uint8Array()), contentType: head.contentType });
  }
  return files;
}

/** The bucket key an absolute site URL is served from. */
function keyOf(url: string): string {
  const path = decodeURI(url.slice(baseUrl.length));
  return path === '' || path.endsWith('/') ? `${path}index.html` : path;
}

/** Every string value of a JSON value that is a URL of the site. */
function siteUrls(value: unknown, found: string[] = []): string[] {
  if (typeof value === 'string') {
    if (value.startsWith(baseUrl) && !value.includes('{id}')) found.push(value);
  } else if (Array.isArray(value)) {
    for (const item of value) siteUrls(item, found);
  } else if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) siteUrls(item, found);
  }
  return found;
}

function schemaFor(key: string): string | undefined {
  if (key === 'api/v1/index.json') return 'index';
  if (/^api\/v1\/documents\/[^/]+\.json$/.test(key)) return 'document';
  if (/^api\/v1\/issues\/\d{4}-\d{2}\.json$/.test(key)) return 'issue';
  if (/^api\/v1\/(departments|topics|columns)\/[^/]+\.json$/.test(key)) return 'listing';
  if (/^api\/v1\/(departments|topics|columns)\/[^/]+\/\d{4}\.json$/.test(key)) return 'listing-year';
  return undefined;
}

interface Item {
  id: string;
  status: string;
  json: string;
}

/** What the tests read of a document's or a listing's JSON. */
interface ApiJson {
  pdf?: { url: string; sha256: string; size: number };
  attachments: unknown[];
  summary?: string;
  total: number;
  items: Item[];
  years: unknown[];
  head: string;
  [key: string]: unknown;
}

describe('static JSON API of the example site', () => {
  let stores: TestStores;
  let root: string;
  let first: Awaited<ReturnType<typeof apiFiles>>;
  let validators: Map<string, ValidateFunction>;
  let records: Map<string, DocumentRecord>;

  beforeAll(async () => {
    root = join(await mkdtemp(join(tmpdir(), 'gazette-api-')), 'content');
    await cp(exampleContent, root, { recursive: true });
    stores = await createTestStores();
    await buildContent(root, stores, beforeRelease);
    first = await apiFiles(stores);
    // Validate with the schemas as published, not as checked in.
    const ajv = new Ajv2020({ allErrors: true });
    addFormats(ajv);
    const schemas = [...first].filter(([key]) => key.startsWith('api/v1/schemas/'));
    for (const [, { json }] of schemas) ajv.addSchema(json as object);
    validators = new Map(
      schemas.map(([key, { json }]) => [
        key.replace(/^api\/v1\/schemas\/(.*)\.schema\.json$/, '$1'),
        ajv.getSchema((json as { $id: string }).$id) as ValidateFunction,
      ]),
    );
    records = new Map();
    for await (const record of stores.records.listDocuments()) records.set(record.id, record);
  }, 240_000);

  it('publishes the schemas of docs/api/ with absolute ids, each a valid draft 2020-12 schema', async () => {
    for (const name of ['common', 'index', 'document', 'issue', 'listing', 'listing-year']) {
      const published = first.get(`api/v1/schemas/${name}.schema.json`)?.json as Record<string, unknown>;
      const checkedIn = JSON.parse(await readFile(join(docsApi, `${name}.schema.json`), 'utf8')) as Record<string, unknown>;
      expect(published).toEqual({ ...checkedIn, $id: `${baseUrl}api/v1/schemas/${name}.schema.json` });
      expect(published.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    }
  });

  it('validates every API file against its schema, as application/json', () => {
    const checked: string[] = [];
    for (const [key, { json, contentType }] of first) {
      expect(contentType).toBe('application/json; charset=utf-8');
      const name = schemaFor(key);
      if (key.startsWith('api/v1/schemas/')) continue;
      expect(name, `no schema for ${key}`).toBeDefined();
      const validate = validators.get(name as string) as ValidateFunction;
      expect(validate(json) ? [] : validate.errors?.map((error) => `${key} ${error.instancePath} ${error.message}`)).toEqual([]);
      checked.push(name as string);
    }
    // One of each shape at least: the example site has documents, issues, heads and year pages.
    expect(new Set(checked)).toEqual(new Set(['index', 'document', 'issue', 'listing', 'listing-year']));
    // Every public document has its file.
    const documentFiles = [...first.keys()].filter((key) => key.startsWith('api/v1/documents/'));
    expect(documentFiles.length).toBe([...records.values()].filter((record) => record.status !== 'scheduled').length);
  });

  it('gives only absolute URLs that lead to published objects', async () => {
    const urls = new Set([...first.values()].flatMap(({ json }) => siteUrls(json)));
    expect(urls.size).toBeGreaterThan(100);
    const missing: string[] = [];
    for (const url of urls) if ((await stores.objects.head(SITE_PREFIX + keyOf(url))) === undefined) missing.push(url);
    expect(missing).toEqual([]);
    const index = first.get('api/v1/index.json')?.json as { documentTemplate: string };
    expect(index.documentTemplate).toBe(`${baseUrl}api/v1/documents/{id}.json`);
  });

  it('describes a normative article as its record and the stored bytes say', async () => {
    const record = records.get('huaifu-2010-69') as DocumentRecord;
    const doc = first.get('api/v1/documents/huaifu-2010-69.json')?.json as ApiJson;
    expect(doc).toMatchObject({
      id: record.id,
      kind: 'article',
      status: 'published',
      version: record.version,
      digest: record.digest,
      indexNumber: record.indexNumber,
      docNumber: record.docNumber,
      signedDate: record.signedDate,
      validity: record.validity,
      department: { id: 'szf', name: '淮南市人民政府', json: `${baseUrl}api/v1/departments/szf.json` },
      url: `${baseUrl}gazette/2010/05/huaifu-2010-69/`,
      issue: { year: 2010, number: 5, url: `${baseUrl}gazette/2010/05/`, json: `${baseUrl}api/v1/issues/2010-05.json` },
    });
    const ref = doc.pdf as NonNullable<ApiJson['pdf']>;
    const pdf = await stores.objects.get(SITE_PREFIX + keyOf(ref.url));
    expect(pdf?.contentType).toBe('application/pdf');
    expect(ref.sha256).toBe(sha256(pdf?.body ?? new Uint8Array()));
    expect(ref.size).toBe(pdf?.body.byteLength);
    // The issue's contents list it under its section, in site.yaml's section order.
    const issue = first.get('api/v1/issues/2010-05.json')?.json as { sections: { name: string; items: Item[] }[]; pdf?: { url: string } };
    const siteYaml = await readFile(join(root, 'site.yaml'), 'utf8');
    const sectionOrder = issue.sections.map((section) => siteYaml.indexOf(`name: ${section.name} }`));
    expect(sectionOrder.every((at) => at > 0)).toBe(true);
    expect([...sectionOrder].sort((a, b) => a - b)).toEqual(sectionOrder);
    expect(issue.sections.flatMap((section) => section.items.map((item) => item.id))).toEqual(expect.arrayContaining(['huaifu-2010-69']));
    expect(issue.pdf?.url).toMatch(/\.pdf$/);
  });

  it('links a translation both ways', () => {
    const original = first.get('api/v1/documents/press-2010-menhu-gaiban.json')?.json as { translations: { id: string; lang: string }[] };
    const english = first.get('api/v1/documents/press-2010-portal-relaunch-en.json')?.json as { translations: { id: string; lang: string }[]; lang: string };
    expect(original.translations).toEqual([expect.objectContaining({ id: 'press-2010-portal-relaunch-en', lang: 'en' })]);
    expect(english.lang).toBe('en');
    expect(english.translations).toEqual([expect.objectContaining({ id: 'press-2010-menhu-gaiban', lang: 'zh-CN' })]);
  });

  it('has nothing of an embargoed document before its release', () => {
    expect(first.has(`api/v1/documents/${embargoedId}.json`)).toBe(false);
    for (const [key, { json }] of first) expect(JSON.stringify(json), key).not.toContain(embargoedId);
  });

  it('on release and withdrawal rewrites only the files that show them', async () => {
    // Withdraw a release with an attachment, and let the embargo pass.
    const file = join(root, 'press/2010/xinxi-gongkai-chayuedian/index.md');
    const source = await readFile(file, 'utf8');
    await writeFile(file, source.replace(/^date: (.*)$/m, 'date: $1\nstatus: withdrawn\nwithdrawnReason: 查阅点地址有变，另行发布\nwithdrawnDate: 2010-12-20'));
    const summary = await buildContent(root, stores, afterRelease);
    expect(summary).toMatchObject({ released: 1, withdrawn: 1 });
    const second = await apiFiles(stores);

    const released = second.get(`api/v1/documents/${embargoedId}.json`)?.json as ApiJson;
    expect(released).toMatchObject({ id: embargoedId, status: 'published', publishAt: '2010-12-08T10:00:00+08:00' });
    const head = second.get(`api/v1/departments/xwb.json`)?.json as { items: Item[]; total: number; years: { year: number; count: number }[] };
    expect(head.items.map((item) => item.id)).toContain(embargoedId);
    const year = second.get(`api/v1/departments/xwb/2010.json`)?.json as { items: Item[] };
    expect(year.items.map((item) => item.id)).toContain(embargoedId);

    const withdrawn = second.get(`api/v1/documents/${withdrawnId}.json`)?.json as ApiJson;
    const before = first.get(`api/v1/documents/${withdrawnId}.json`)?.json as ApiJson;
    expect(before.pdf).toBeDefined();
    expect(before.attachments.length).toBeGreaterThan(0);
    expect(withdrawn).toMatchObject({
      status: 'withdrawn',
      withdrawn: { reason: '查阅点地址有变，另行发布', date: '2010-12-20' },
      attachments: [],
      versions: [],
    });
    expect(withdrawn.pdf).toBeUndefined();
    expect(withdrawn.summary).toBeUndefined();
    expect(JSON.stringify(withdrawn)).not.toContain('.pdf');
    // Listed, marked withdrawn.
    expect(head.items.find((item) => item.id === withdrawnId)?.status).toBe('withdrawn');
    // Its files are gone from the bucket: no URL of the API leads to a missing object.
    for (const url of siteUrls([...second.values()].map(({ json }) => json))) {
      expect(await stores.objects.head(SITE_PREFIX + keyOf(url)), url).toBeDefined();
    }

    // Only the two documents' files and their listings changed.
    const changed = [...second]
      .filter(([key, { sha }]) => first.get(key)?.sha !== sha)
      .map(([key]) => key)
      .sort();
    const documents = changed.filter((key) => key.startsWith('api/v1/documents/'));
    expect(documents).toEqual([`api/v1/documents/${withdrawnId}.json`, `api/v1/documents/${embargoedId}.json`].sort());
    const listings = changed.filter((key) => !key.startsWith('api/v1/documents/'));
    const allowed = new Set<string>();
    for (const id of [withdrawnId, embargoedId]) {
      const doc = second.get(`api/v1/documents/${id}.json`)?.json as {
        department: { json: string };
        topic: { json: string };
        columns: { json: string }[];
        date: string;
      };
      for (const listing of [doc.department.json, doc.topic.json, ...doc.columns.map((column) => column.json)]) {
        allowed.add(keyOf(listing));
        allowed.add(keyOf(listing).replace(/\.json$/, `/${doc.date.slice(0, 4)}.json`));
      }
    }
    expect(listings.filter((key) => !allowed.has(key))).toEqual([]);
    expect(listings).toContain('api/v1/departments/xwb.json');
    validateAll(second, validators);
  }, 240_000);
});

function validateAll(files: Awaited<ReturnType<typeof apiFiles>>, validators: Map<string, ValidateFunction>): void {
  for (const [key, { json }] of files) {
    const name = schemaFor(key);
    if (name === undefined) continue;
    const validate = validators.get(name) as ValidateFunction;
    expect(validate(json) ? [] : validate.errors?.map((error) => `${key} ${error.instancePath} ${error.message}`)).toEqual([]);
  }
}

describe('listing pagination', () => {
  // 150 releases of one department: 30 in 2009, 120 in 2010.
  const dates = [
    ...Array.from({ length: 30 }, (_, i) => `2009-${String(1 + Math.floor(i / 28)).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`),
    ...Array.from({ length: 120 }, (_, i) => `2010-${String(1 + Math.floor(i / 28)).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`),
  ];
  const records: DocumentRecord[] = dates
    .map((date, i) => ({
      id: `press-${date}-${i}`,
      kind: 'release' as const,
      title: `新闻稿${i}`,
      lang: 'zh-CN' as const,
      file: `press/${date.slice(0, 4)}/n${i}.md`,
      urlPath: `/press/${date.slice(0, 4)}/n${i}/`,
      status: 'published' as const,
      version: 1,
      digest: 'd'.repeat(64),
      indexNumber: `003210090/${date.slice(0, 4)}-${String(i).padStart(5, '0')}`,
      department: '淮南市人民政府新闻办公室',
      departmentCode: '003210090',
      category: '政务公开',
      date,
      artifacts: [],
      firstPublishedAt: `${date}T02:00:00.000Z`,
      updatedAt: `${date}T02:00:00.000Z`,
    }))
    .sort((a, b) => (a.date === b.date ? (a.id < b.id ? 1 : -1) : a.date < b.date ? 1 : -1));
  const content = { root: '/nonexistent', site, issues: [], documents: [], columns: [], routes: new Map() } as unknown as ContentSet;
  const input: DerivedInput = { content, ctx, documents: records, issues: [] };

  async function render(kind: string, facet: string, key: string, year?: string): Promise<ApiJson> {
    const pagesOf = await Promise.all(apiOutputs.map(async (candidate) => await candidate.all(input)));
    const at = pagesOf.findIndex((pages) => pages.some((page) => (page as { kind: string }).kind === kind));
    const output = apiOutputs[at] as (typeof apiOutputs)[number];
    const page = (pagesOf[at] ?? []).find((candidate) => {
      const p = candidate as { kind: string; facet?: string; key?: string; year?: string };
      return p.kind === kind && p.facet === facet && p.key === key && p.year === year;
    });
    expect(page, `${kind} ${facet}/${key}/${year ?? ''}`).toBeDefined();
    const [artifact] = await output.render(input, page);
    return JSON.parse(Buffer.from(artifact?.body ?? []).toString('utf8')) as ApiJson;
  }

  it('keeps the newest 100 on the head and every item on its year page', async () => {
    const head = await render('head', 'departments', 'xwb');
    expect(head.total).toBe(150);
    expect(head.items).toHaveLength(API_HEAD_SIZE);
    expect(head.items.map((item: Item) => item.id)).toEqual(records.slice(0, 100).map((record) => record.id));
    expect(head.years).toEqual([
      { year: 2010, count: 120, json: `${baseUrl}api/v1/departments/xwb/2010.json` },
      { year: 2009, count: 30, json: `${baseUrl}api/v1/departments/xwb/2009.json` },
    ]);
    const y2009 = await render('year', 'departments', 'xwb', '2009');
    const y2010 = await render('year', 'departments', 'xwb', '2010');
    expect([...y2010.items, ...y2009.items].map((item: Item) => item.id)).toEqual(records.map((record) => record.id));
    expect(y2009.head).toBe(`${baseUrl}api/v1/departments/xwb.json`);
    // Other departments have an empty head and no year pages.
    expect((await render('head', 'departments', 'szf')).items).toEqual([]);
  });

  it('rewrites only the heads and the year page of a new document', async () => {
    const added = { ...(records[0] as DocumentRecord), id: 'press-new', date: '2010-06-01' };
    const withNew: DerivedInput = { ...input, documents: [added, ...records] };
    const pages = (
      await Promise.all(apiOutputs.map(async (output) => (await output.affected(withNew, [{ after: added }], [])).map((page) => output.id(page))))
    ).flat();
    expect(pages.filter((path) => !path.startsWith('/api/v1/schemas/')).sort()).toEqual(
      [
        '/api/v1/departments/xwb.json',
        '/api/v1/departments/xwb/2010.json',
        '/api/v1/documents/press-new.json',
        '/api/v1/topics/zwgk.json',
        '/api/v1/topics/zwgk/2010.json',
      ].sort(),
    );
  });
});
