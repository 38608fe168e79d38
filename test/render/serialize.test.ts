// The HTML serializer (src/render/html/serialize.ts) writes what hast-util-to-html writes, byte for
// byte: over every page the sample site builds (read back and parsed again), every body of the
// example content and of the bench corpus as the renderer converts it, and trees made to hit each
// of its rules.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Nodes, Root } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import { toHtml as reference } from 'hast-util-to-html';
import { h, s } from 'hastscript';
import { describe, expect, it } from 'vitest';
import { generateCorpus } from '../../bench/corpus.ts';
import { toHtml } from '../../src/render/html/serialize.ts';
import { markdownToHast } from '../../src/render/markdown.ts';
import { SITE_PREFIX } from '../../src/store/ports.ts';
import { buildFiles, sampleFiles } from '../publish/site.ts';

/** Both serializers, with and without raw HTML allowed, give the same string. */
function expectSame(tree: Nodes, label: string): void {
  expect(toHtml(tree), label).toBe(reference(tree));
  expect(toHtml(tree, { allowDangerousHtml: true }), `${label} (raw HTML allowed)`).toBe(reference(tree, { allowDangerousHtml: true }));
}

describe('toHtml', () => {
  it('writes what hast-util-to-html writes for each of its rules', () => {
    const raw = { type: 'raw', value: '<b>已转义？</b> & "引号"' } as const;
    const trees: [string, Nodes][] = [
      ['text with markup characters', h('p', "1 < 2 && 3 > 2 “引号” '单引号' `反引号` \u0000 &amp;")],
      ['lone surrogates and astral characters', h('p', { title: '\uD800 𠀀 \uDC00' }, '\uD800 𠀀 😀')],
      [
        'attribute values with every character that needs a reference',
        h('a', { href: 'https://www.huainan.gov.cn/?a=1&b="2"', title: "它's `x` \u0000", dataNote: '' }, '链接'),
      ],
      [
        'booleans, true, false and repeated names',
        h('details', { open: true, hidden: false }, [h('input', { disabled: 'disabled', checked: '', readOnly: 'x' })]),
      ],
      [
        'overloaded booleans',
        h('div', [
          h('a', { download: true }, 'a'),
          h('a', { download: '' }, 'b'),
          h('a', { download: 'download' }, 'c'),
          h('a', { download: '附件.pdf' }, 'd'),
        ]),
      ],
      ['numbers and NaN', h('td', { colSpan: 2, rowSpan: Number.NaN, tabIndex: -1 }, '合计')],
      [
        'space- and comma-separated lists',
        h('img', { className: ['a', 'b', ''], alt: '', srcSet: ['a.png 1x', 'b.png 2x'], sizes: ['(max-width: 600px) 100vw', ''], accept: ['.pdf', '.doc'] }),
      ],
      ['data and ARIA names', h('nav', { dataFooBar: 'x', ariaLabel: '主导航', ariaHidden: 'true', 'data-x': 'y', dataFoo123: 'z' })],
      [
        'void elements, with and without children',
        {
          type: 'root',
          children: [
            h('br'),
            h('hr', { className: ['rule'] }),
            { ...h('img'), children: [{ type: 'text', value: '内容' }] },
            { ...h('img'), children: [{ type: 'text', value: '' }] },
          ],
        },
      ],
      ['script and style keep their text', h('div', [h('script', 'if (a < b && c) {}'), h('style', 'a > b { content: "&" }'), h('p', 'a < b')])],
      ['raw nodes, inside and outside script', h('div', [raw, h('script', [raw])])],
      [
        'comments with sequences HTML forbids',
        {
          type: 'root',
          children: [
            { type: 'comment', value: '>注释' },
            { type: 'comment', value: '->x<!--y-->z--!>w<!-' },
            { type: 'comment', value: '普通注释' },
          ],
        },
      ],
      [
        'a doctype and a document',
        { type: 'root', children: [{ type: 'doctype' }, h('html', { lang: 'zh-CN' }, [h('head', [h('meta', { charSet: 'utf-8' })]), h('body', 'x')])] },
      ],
      [
        'SVG: its names, and no void elements inside it',
        h('div', [
          s('svg', { viewBox: '0 0 10 10', xmlns: 'http://www.w3.org/2000/svg', ariaHidden: 'true' }, [
            s('path', { d: 'M0 0L10 10', strokeWidth: 2, fillRule: 'evenodd' }),
            s('image', { href: 'a.png' }),
            s('foreignObject', [h('br')]),
          ]),
          h('br'),
        ]),
      ],
      ['a template element', { ...h('template'), content: { type: 'root', children: [h('p', '模板')] } }],
      ['an array of nodes', [h('p', '甲'), h('p', '乙')] as unknown as Nodes],
      ['an element with no properties', { type: 'element', tagName: 'p', properties: {}, children: [{ type: 'text', value: '无属性' }] }],
    ];
    for (const [label, tree] of trees) expectSame(tree, label);
  });

  it('throws as hast-util-to-html does on a node it cannot write', () => {
    const unknown = { type: 'yaml', value: 'x' } as unknown as Nodes;
    expect(() => toHtml(unknown)).toThrow('Cannot compile unknown node `yaml`');
    expect(() => reference(unknown)).toThrow('Cannot compile unknown node `yaml`');
  });

  it('writes what hast-util-to-html writes for every body of the example content and the bench corpus', () => {
    const bodies = [
      ...[...generateCorpus(120).files.values()].map((text) => text.split(/^---$/m).slice(2).join('---')),
      ...readdirSync('content', { recursive: true, encoding: 'utf8' })
        .filter((file) => file.endsWith('.md'))
        .map((file) => readFileSync(join('content', file), 'utf8').split(/^---$/m).slice(2).join('---')),
    ];
    expect(bodies.length).toBeGreaterThan(140);
    for (const body of bodies) {
      for (const lang of ['zh-CN', 'en'] as const) {
        const tree: Root = markdownToHast(body, { lang, resolveLink: (href) => (href.endsWith('.md') ? `/linked/${href.slice(0, -3)}/` : undefined) });
        expectSame(tree, body.slice(0, 80));
      }
    }
  });

  it('writes what hast-util-to-html writes for every page of the sample site, parsed again', async () => {
    const stores = await buildFiles(sampleFiles());
    let pages = 0;
    for await (const { key } of stores.objects.listKeys(SITE_PREFIX)) {
      if (!key.endsWith('.html')) continue;
      const stored = await stores.objects.get(key);
      const tree = fromHtml(Buffer.from(stored?.body ?? []).toString('utf8'));
      expectSame(tree, key);
      pages++;
    }
    expect(pages).toBeGreaterThan(40);
  }, 60_000);
});
