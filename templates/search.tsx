// The search page (`/search/`): a plain GET form (`/search/?q=…`); the script search.js reads
// `q`, queries the static index and fills the results. Without JavaScript the page says so and
// offers the catalogue and the 文号 lookup instead.

import type { Root as HastRoot } from 'hast';
import { siteExamples } from '../src/content/siteSettings.ts';
import type { RenderContext } from '../src/render/html/context.ts';
import { layout } from './layout.tsx';

export function searchPage(ctx: RenderContext): HastRoot {
  const main = (
    <div class="search">
      <h1>站内搜索</h1>
      <form role="search" action="/search/" method="get" class="search-form" aria-label="站内搜索">
        <label for="search-q">搜索标题、文号和正文</label>
        <div class="search-row">
          <input type="search" id="search-q" name="q" autocomplete="off" enterKeyHint="search" aria-describedby="search-hint" />
          <button type="submit">搜索</button>
        </div>
        <p id="search-hint" class="search-hint">
          可输入标题或正文中的词语、文号（如：{siteExamples(ctx.site).docNumber}）或索引号，多个词用空格分开。
        </p>
      </form>
      <div class="search-status" id="search-status" role="status" aria-live="polite" aria-atomic="true">
        <p class="search-nojs" id="search-nojs">
          站内搜索需要浏览器启用JavaScript。也可以通过<a href="/xxgk/">政府信息公开目录</a>按发布机构、主题分类和年份查找文件，或按
          <a href="/wh/">文号查询</a>直接打开文件。
        </p>
      </div>
      <section class="search-results" id="search-results" aria-labelledby="search-results-title" hidden>
        <h2 id="search-results-title">搜索结果</h2>
        <ol id="search-list" class="search-list" />
        <nav class="search-pages" id="search-pages" aria-label="搜索结果分页" />
      </section>
    </div>
  );
  return layout(ctx, {
    title: '站内搜索',
    urlPath: '/search/',
    section: 'search',
    description: `${ctx.site.name}站内搜索：政府公报、新闻发布和政府信息公开文件`,
    breadcrumbs: [{ label: '首页', href: '/' }],
    main: [main],
    scripts: ['search'],
  });
}
