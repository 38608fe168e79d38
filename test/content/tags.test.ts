// Tags (标签) on documents of every kind: loaded, validated with positions, kept by the cache.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFileContentCache, loadContent } from '../../src/content/load.ts';
import type { ContentMessage } from '../../src/content/model.ts';
import { article, conference, release, validSite, writeContent } from './fixtures.ts';

const places = (messages: ContentMessage[]) => messages.map((m) => `${m.file}:${m.line}:${m.column} ${m.ruleId}`);

describe('tags', () => {
  it('are loaded on articles, releases and conferences, and are an empty list when absent', async () => {
    const root = await writeContent({
      ...validSite(),
      'gazette/2010/05/huaifu-2010-69.md': article({ tags: '[制度执行年, 权力运行]' }),
      'press/2010/hotline-12345.md': release({ tags: '\n  - 服务热线' }),
      'press/2010/zwgk-fabuhui/index.md': conference('tags: [网络问政]\n'),
    });
    const { content, messages } = await loadContent(root);
    expect(messages).toEqual([]);
    const tags = new Map(content?.documents.map((doc) => [doc.id, doc.tags]));
    expect(tags.get('huaifu-2010-69')).toEqual(['制度执行年', '权力运行']);
    expect(tags.get('press-2010-hotline-12345')).toEqual(['服务热线']);
    expect(tags.get('press-2010-zwgk-fabuhui')).toEqual(['网络问政']);
    expect(tags.get('huaifuban-2010-72')).toEqual([]);
  });

  it('survive the content cache file', async () => {
    const root = await writeContent({ ...validSite(), 'gazette/2010/05/huaifu-2010-69.md': article({ tags: '[制度执行年]' }) });
    const path = join(root, '..', '.gazette', 'cache', 'content.json');
    const cold = await createFileContentCache(path);
    await loadContent(root, { cache: cold });
    await cold.save();
    const reopened = await createFileContentCache(path);
    let hits = 0;
    const warm = await loadContent(root, {
      cache: {
        get: (key) => {
          const value = reopened.get(key);
          if (value !== undefined) hits++;
          return value;
        },
        set: (key, value) => reopened.set(key, value),
      },
    });
    expect(hits).toBeGreaterThan(0);
    expect(warm.content?.documents.find((doc) => doc.id === 'huaifu-2010-69')?.tags).toEqual(['制度执行年']);
  });

  it('refuse repeated, empty, long and joined tags, and a tag that is not a list', async () => {
    const file = 'gazette/2010/05/huaifu-2010-69.md';
    const check = async (tags: string) => places((await loadContent(await writeContent({ ...validSite(), [file]: article({ tags }) }))).messages);
    // The tags line is line 10 of the article fixture; its value starts at column 7.
    expect(await check('[制度执行年, 制度执行年]')).toEqual([`${file}:10:15 duplicate-tag`]);
    expect(await check('[制度执行年, ""]')).toEqual([`${file}:10:15 empty-field`]);
    expect(await check(`[${'政'.repeat(21)}]`)).toEqual([`${file}:10:8 invalid-tag`]);
    expect(await check('["制度执行年，权力运行"]')).toEqual([`${file}:10:8 invalid-tag`]);
    expect(await check('制度执行年')).toEqual([`${file}:10:7 invalid-type`]);
  });
});
