// The page served for any address that has no page.

import type { Root as HastRoot } from 'hast';
import type { RenderContext } from '../src/render/html/context.ts';
import { layout } from './layout.tsx';

export function notFoundPage(ctx: RenderContext): HastRoot {
  const main = (
    <div class="not-found">
      <h1>页面不存在</h1>
      <p>您访问的地址没有对应的页面：可能是地址输入有误，或该页面已被撤下。</p>
      <p>您可以从以下栏目重新查找：</p>
      <ul>
        <li>
          <a href="/">首页</a>
        </li>
        <li>
          <a href="/gazette/">{ctx.site.gazetteTitle}</a>
        </li>
        <li>
          <a href="/press/">新闻发布</a>
        </li>
      </ul>
    </div>
  );
  return layout(ctx, { title: '页面不存在', urlPath: '/404.html', canonical: false, main: [main] });
}
