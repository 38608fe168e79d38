import { describe, expect, it } from 'vitest';
import { changeNoteProblem, checkAgainstPublished, loadContent, type LoadOptions } from '../../src/content/load.ts';
import type { ContentMessage, ContentSet, GazetteDocument } from '../../src/content/model.ts';
import { article, release, validSite, writeContent } from './fixtures.ts';

/** file:line:col rule — the part of a message an editor navigates by. */
const places = (messages: ContentMessage[]) => messages.map((m) => `${m.file}:${m.line}:${m.column} ${m.ruleId}`);

async function load(files: Record<string, string | Uint8Array>, options: LoadOptions = {}) {
  return loadContent(await writeContent(files), options);
}

const opinion = 'gazette/2010/05/huaifu-2010-69.md';
const hotline = 'press/2010/hotline-12345.md';

async function loaded(files: Record<string, string | Uint8Array> = validSite()): Promise<ContentSet> {
  const { content, messages } = await load(files);
  if (content === undefined) throw new Error(`expected valid content, got:\n${places(messages).join('\n')}`);
  return content;
}

describe('lifecycle fields in front matter', () => {
  it('loads withdrawal, correction and supersession into the document', async () => {
    const content = await loaded({
      ...validSite(),
      [opinion]: article({ validity: '废止', supersededBy: 'huaifuban-2010-72', changeNote: 更正('查阅点数量'), changeDate: '2010-06-02' }),
      [hotline]: release({ status: 'withdrawn', withdrawnReason: '数据有误，已重新发布', withdrawnDate: '2010-12-10' }),
    });
    const byId = new Map(content.documents.map((doc) => [doc.id, doc]));
    expect(byId.get('huaifu-2010-69')).toMatchObject({
      status: 'published',
      validity: '废止',
      supersededBy: 'huaifuban-2010-72',
      changeNote: '更正查阅点数量',
      changeDate: '2010-06-02',
      changeNoteLine: 12,
    });
    expect(byId.get('press-2010-hotline-12345')).toMatchObject({ status: 'withdrawn', withdrawnReason: '数据有误，已重新发布', withdrawnDate: '2010-12-10' });
  });

  it('requires a reason and a date exactly when a document is withdrawn', async () => {
    const { content, messages } = await load({
      ...validSite(),
      [hotline]: release({ status: 'withdrawn' }),
      'press/2010/other.md': release({ id: 'press-2010-other', withdrawnReason: '重复发布' }),
    });
    expect(content).toBeUndefined();
    expect(places(messages)).toEqual([`${hotline}:7:9 missing-field`, `${hotline}:7:9 missing-field`, 'press/2010/other.md:7:1 not-withdrawn']);
    expect(messages.map((m) => m.hint)).toEqual(expect.arrayContaining(['Add `withdrawnReason: 内容有误，已另行发布`.', 'Add `withdrawnDate: 2010-12-10`.']));
  });

  it('requires changeDate with changeNote, and neither before the publication date', async () => {
    const { messages } = await load({
      ...validSite(),
      [opinion]: article({ changeNote: 更正('文号') }),
      [hotline]: release({ changeNote: 更正('标题'), changeDate: '2010-12-01' }),
      'press/2010/other.md': release({ id: 'press-2010-other', changeDate: '2010-12-09' }),
    });
    expect(places(messages)).toEqual([`${opinion}:10:13 missing-field`, `${hotline}:8:13 change-before-publication`, 'press/2010/other.md:7:1 missing-field']);
  });

  it('allows supersededBy only on repealed documents, and warns when a repealed one has none', async () => {
    const { messages } = await load({
      ...validSite(),
      [opinion]: article({ supersededBy: 'huaifuban-2010-72' }),
      'gazette/2010/05/b-notice.md': article({ id: 'huaifuban-2010-72', section: '市政府办公室文件', docNumber: '淮府办〔2010〕72号', validity: '失效' }),
      [hotline]: release({ supersededBy: 'press-2010-zwgk-fabuhui' }),
    });
    expect(places(messages)).toEqual([
      'gazette/2010/05/b-notice.md:10:11 missing-superseded-by',
      `${opinion}:10:1 superseded-while-valid`,
      `${hotline}:7:1 unknown-field`,
    ]);
    expect(messages.find((m) => m.ruleId === 'missing-superseded-by')?.severity).toBe('warning');
  });

  it('requires supersededBy to name another existing document', async () => {
    const { messages } = await load({
      ...validSite(),
      [opinion]: article({ validity: '失效', supersededBy: 'huaifuban-2010-27' }),
      'gazette/2010/05/a-speech.md': article({
        id: 'speech-2010-daiqiyuan',
        section: '领导讲话',
        docNumber: undefined,
        validity: '废止',
        supersededBy: 'speech-2010-daiqiyuan',
      }),
    });
    expect(places(messages)).toEqual(['gazette/2010/05/a-speech.md:10:15 unknown-superseded-by', `${opinion}:11:15 unknown-superseded-by`]);
    expect(messages.find((m) => m.file === opinion)?.hint).toBe('Did you mean `huaifuban-2010-72`?');
  });
});

describe('links to documents that are not public', () => {
  const linking = (href: string, fields: Record<string, string> = {}) =>
    release({ id: 'press-2010-linking', date: '2010-12-09', ...fields }, `详见[发布会](${href})。\n`);

  it('refuses links and supersededBy to drafts, except from drafts', async () => {
    const { messages } = await load({
      ...validSite(),
      'press/2010/zwgk-fabuhui/index.md': validSite()['press/2010/zwgk-fabuhui/index.md'] as string,
      'press/2010/draft.md': release({ id: 'press-2010-draft', draft: 'true' }),
      'press/2010/linking.md': linking('draft.md'),
      'press/2010/draft-linking.md': release({ id: 'press-2010-draft-linking', draft: 'true' }, '[草稿](draft.md)\n'),
      [opinion]: article({ validity: '失效', supersededBy: 'huaifuban-2010-72' }),
      'gazette/2010/05/b-notice.md': article({ id: 'huaifuban-2010-72', section: '市政府办公室文件', docNumber: '淮府办〔2010〕72号', draft: 'true' }),
    });
    expect(places(messages)).toEqual([`${opinion}:11:15 link-to-draft`, 'press/2010/linking.md:8:3 link-to-draft']);
  });

  it('refuses a link to a document still under embargo when the page goes out', async () => {
    const files = {
      ...validSite(),
      'press/2010/embargoed.md': release({ id: 'press-2010-embargoed', date: '2010-12-20', publishAt: '2010-12-20T10:00:00+08:00' }),
      'press/2010/linking.md': linking('embargoed.md#qa-1'),
    };
    const early = await load(files, { now: new Date('2010-12-09T09:00:00+08:00') });
    expect(places(early.messages)).toEqual(['press/2010/linking.md:8:3 link-to-embargoed']);
    expect(early.messages[0]?.message).toContain('under embargo until 2010-12-20T10:00:00+08:00');
    // Once the embargo is over, the same link is fine.
    expect((await load(files, { now: new Date('2010-12-20T10:00:00+08:00') })).messages).toEqual([]);
    // Without a clock, the page is taken to go out on its own date.
    expect(places((await load(files)).messages)).toEqual(['press/2010/linking.md:8:3 link-to-embargoed']);
    // A correction under embargo (a new version, with its change note) has its page out: the link leads there.
    const correction = {
      ...files,
      'press/2010/embargoed.md': release({
        id: 'press-2010-embargoed',
        date: '2010-12-01',
        changeNote: '更正办理数量。',
        changeDate: '2010-12-20',
        publishAt: '2010-12-20T10:00:00+08:00',
      }),
    };
    expect((await load(correction, { now: new Date('2010-12-09T09:00:00+08:00') })).messages).toEqual([]);
  });

  it('finds a link to a draft written as a definition in a quote, in a list item or over two lines, and not a footnote', async () => {
    const linkingWith = (id: string, body: string) => release({ id, date: '2010-12-09' }, body);
    const { messages } = await load({
      ...validSite(),
      'press/2010/draft.md': release({ id: 'press-2010-draft', draft: 'true' }),
      'press/2010/quoted.md': linkingWith('press-2010-quoted', '详见[草稿][a]。\n\n> [a]: draft.md\n'),
      'press/2010/listed.md': linkingWith('press-2010-listed', '- 详见[草稿][b]。\n- [b]: draft.md\n'),
      'press/2010/two-lines.md': linkingWith('press-2010-two-lines', '详见[草稿][c\nd]。\n\n[c\nd]: draft.md\n'),
      'press/2010/footnote.md': linkingWith('press-2010-footnote', '详见草稿[^1]。\n\n[^1]: draft.md 是草稿。\n'),
    });
    expect(places(messages)).toEqual([
      'press/2010/listed.md:9:3 link-to-draft',
      'press/2010/quoted.md:10:3 link-to-draft',
      'press/2010/two-lines.md:11:1 link-to-draft',
    ]);
  });

  it('compares an embargoed page with its own publishAt', async () => {
    const files = (publishAt: string) => ({
      ...validSite(),
      'press/2010/embargoed.md': release({ id: 'press-2010-embargoed', date: '2010-12-20', publishAt: '2010-12-20T10:00:00+08:00' }),
      'press/2010/linking.md': linking('embargoed.md', { date: '2010-12-20', publishAt }),
    });
    const now = new Date('2010-12-09T09:00:00+08:00');
    expect(places((await load(files('2010-12-20T09:59:00+08:00'), { now })).messages)).toEqual(['press/2010/linking.md:9:3 link-to-embargoed']);
    expect((await load(files('2010-12-20T02:00:00Z'), { now })).messages).toEqual([]);
  });
});

describe('links to an answer of a conference', () => {
  it('refuses #qa-<n> past the last question, saying how many there are, and accepts the ones it has', async () => {
    const to = (href: string) => ({
      ...validSite(),
      'press/2010/linking.md': release({ id: 'press-2010-linking', date: '2010-12-21' }, `详见[答记者问](${href})。\n`),
    });
    const { messages } = await load(to('zwgk-fabuhui/index.md#qa-9'));
    expect(places(messages)).toEqual(['press/2010/linking.md:8:3 broken-link']);
    expect(messages[0]?.message).toContain('leads to answer 9 of content/press/2010/zwgk-fabuhui/index.md, which has one question');
    expect(messages[0]?.expected).toContain('#qa-1 to #qa-1');
    expect((await load(to('zwgk-fabuhui/index.md#qa-1'))).messages).toEqual([]);
    expect(places((await load(to('zwgk-fabuhui/#qa-0'))).messages)).toEqual(['press/2010/linking.md:8:3 broken-link']);
  });
});

describe('checkAgainstPublished', () => {
  it('refuses deleting a published or withdrawn file and explains how to withdraw', async () => {
    const content = await loaded();
    const messages = checkAgainstPublished(content, [
      { id: 'huaifu-2010-69', file: opinion, version: 2, status: 'published' },
      { id: 'press-2010-gone', file: 'press/2010/gone.md', version: 3, changeNote: '更正日期', status: 'published' },
      { id: 'press-2010-old', file: 'press/2010/old.md', version: 1, status: 'withdrawn' },
      { id: 'press-2010-later', file: 'press/2010/later.md', version: 0, status: 'scheduled' },
    ]);
    expect(places(messages)).toEqual(['press/2010/gone.md:1:1 published-file-deleted', 'press/2010/old.md:1:1 published-file-deleted']);
    expect(messages[0]?.hint).toContain('`status: withdrawn`, `withdrawnReason: …` and `withdrawnDate: YYYY-MM-DD`');
    expect(messages[1]?.message).toContain('was withdrawn');
  });

  it('reports a published id that changed in a file that stayed', async () => {
    const content = await loaded();
    const messages = checkAgainstPublished(content, [{ id: 'press-2010-hotline', file: hotline, version: 1, status: 'published' }]);
    expect(places(messages)).toEqual([`${hotline}:1:1 published-id-changed`]);
    expect(messages[0]?.hint).toContain('id: press-2010-hotline');
  });
});

describe('changeNoteProblem', () => {
  async function docWith(fields: Record<string, string>): Promise<GazetteDocument> {
    const content = await loaded({ ...validSite(), [hotline]: release(fields) });
    return content.documents.find((doc) => doc.file === hotline) as GazetteDocument;
  }

  it('asks for a change note when a published document changed without one', async () => {
    const problem = changeNoteProblem(await docWith({}), undefined);
    expect(problem).toMatchObject({ file: hotline, ruleId: 'missing-change-note', severity: 'error' });
  });

  it("refuses the previous version's note, positioned on changeNote", async () => {
    const doc = await docWith({ changeNote: 更正('标题'), changeDate: '2010-12-09' });
    expect(changeNoteProblem(doc, '更正标题')).toMatchObject({ line: 7, ruleId: 'stale-change-note' });
    expect(changeNoteProblem(doc, '更正日期')).toBeUndefined();
    expect(changeNoteProblem(doc, undefined)).toBeUndefined();
  });

  it('needs no note for a withdrawal', async () => {
    const doc = await docWith({ status: 'withdrawn', withdrawnReason: '重复发布', withdrawnDate: '2010-12-10' });
    expect(changeNoteProblem(doc, undefined)).toBeUndefined();
  });
});

function 更正(what: string): string {
  return `更正${what}`;
}
