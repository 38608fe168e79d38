import { createHash } from 'node:crypto';
import { select } from 'hast-util-select';
import { describe, expect, it } from 'vitest';
import { createRenderContext, siteAssets } from '../../src/render/html/assets.ts';
import { renderNotFoundPage } from '../../src/render/html/listingPages.ts';
import { outputFormats } from '../../src/outputs.ts';
import { parsePage, site } from './fixtures.ts';

describe('siteAssets', () => {
  it('publishes the stylesheet under a name made from its content, cached as immutable', () => {
    const [css] = siteAssets();
    const hash = createHash('sha256')
      .update(css?.body ?? new Uint8Array())
      .digest('hex')
      .slice(0, 8);
    expect(css?.key).toBe(`assets/site.${hash}.css`);
    expect(css?.contentType).toBe(outputFormats.asset.mediaType);
    expect(css?.cacheControl).toContain('immutable');
    expect(Buffer.from(css?.body ?? []).toString()).toContain('@media print');
  });

  it('gives pages a context that links that stylesheet and the feed links', () => {
    const feed = { href: '/press/feed.xml', title: '新闻发布 RSS', type: 'application/rss+xml' };
    const tree = parsePage(renderNotFoundPage(createRenderContext(site, [feed])));
    expect(select('link[rel=stylesheet]', tree)?.properties.href).toBe(`/${siteAssets()[0]?.key}`);
    expect(select('link[rel=alternate][type="application/rss+xml"]', tree)?.properties).toMatchObject({
      href: 'https://www.huainan.gov.cn/press/feed.xml',
      title: '新闻发布 RSS',
    });
  });
});
