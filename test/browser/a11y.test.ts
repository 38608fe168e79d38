// Accessibility in a real browser: every page template of the built example site, opened in
// headless Chromium, has no axe-core violation of WCAG 2.1 A or AA. With GAZETTE_SCREENSHOTS=1, a
// screenshot of each, at desktop and phone width, goes to .gazette/screenshots/ for a person to look
// at (off by default: encoding sixty full-page images costs more CPU than the checks).

import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { axeViolations, formatViolations, launchBrowser } from '../helpers/browser.ts';
import { exampleSite, openPage, pagesToTest } from './site.ts';

const screenshots = process.env['GAZETTE_SCREENSHOTS'] === '1' ? resolve(import.meta.dirname, '../../.gazette/screenshots') : undefined;

const site = await exampleSite();
const { crawled, chosen } = await pagesToTest(site);
const browser: Browser = await launchBrowser();
// One browser context for the file, a page per test: a context per page costs Chromium as much CPU
// again, and the site keeps no state in the browser (no cookies or storage) for tests to share.
// The injected axe script is inline code, which the site's CSP forbids: bypass it in tests only.
const context: BrowserContext = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
if (screenshots !== undefined) await mkdir(screenshots, { recursive: true });
console.log(`Crawled ${crawled.length} pages; testing one per template:\n${chosen.map((page) => `  ${page.path}   (${page.template})`).join('\n')}`);

afterAll(async () => {
  await browser.close();
  await site.close();
});

/** A file name for the page, e.g. gazette_2010_05_huaifu-2010-69 (the 404 page: not-found). */
function shotName(path: string, status: number): string {
  if (status === 404) return 'not-found';
  return path.replace(/^\/|\/$/g, '').replace(/[^a-z0-9-]+/gi, '_') || 'home';
}

// Pages run five at a time in one browser, beside another test file: slower than one alone.
describe.concurrent('axe-core finds no WCAG 2.1 A/AA violation', { timeout: 120_000 }, () => {
  it.each(chosen.map((page) => [page.path, page] as const))('%s', async (_, chosenPage) => {
    const page = await context.newPage();
    const pages = [page];
    try {
      expect(await openPage(page, site, chosenPage)).toBe(chosenPage.status);
      const violations = await axeViolations(page);
      if (screenshots !== undefined) await page.screenshot({ path: `${screenshots}/${shotName(chosenPage.path, chosenPage.status)}-1280.png`, fullPage: true });
      await page.setViewportSize({ width: 360, height: 740 });
      if (screenshots !== undefined) await page.screenshot({ path: `${screenshots}/${shotName(chosenPage.path, chosenPage.status)}-360.png`, fullPage: true });
      // At phone width the layout changes, not the colours or the markup: check again what
      // layout can break (text over another background, scrolling regions, tap targets).
      const narrow = await axeViolations(page, { rules: ['color-contrast', 'scrollable-region-focusable', 'link-in-text-block', 'meta-viewport'] });
      const all = [...violations, ...narrow.filter((violation) => !violations.some((wide) => wide.id === violation.id))];
      expect(all, formatViolations(chosenPage.path, all)).toEqual([]);
      if (chosenPage.refresh !== undefined) {
        // Unheld, the resolver page sends the reader on to a page that is there.
        const target = new URL(chosenPage.refresh, site.url);
        const onward = await context.newPage();
        pages.push(onward);
        const statuses = new Map<string, number>();
        onward.on('response', (response) => statuses.set(new URL(response.url()).pathname, response.status()));
        await Promise.all([onward.waitForURL((url) => url.pathname === target.pathname), onward.goto(site.url + chosenPage.path.slice(1))]);
        expect(statuses.get(target.pathname), `${chosenPage.path} leads to ${target.pathname}`).toBe(200);
      }
    } finally {
      await Promise.all(pages.map((open) => open.close()));
    }
  });
});

it('the check itself finds violations on a page that has them', async () => {
  const page = await context.newPage();
  try {
    await page.setContent(
      '<!doctype html><html><head><title>x</title></head><body><main><img src="x.png"><p style="color:#bbb;background:#fff">浅色文字</p></main></body></html>',
    );
    const ids = (await axeViolations(page)).map((violation) => violation.id).sort();
    expect(ids).toEqual(['color-contrast', 'html-has-lang', 'image-alt']);
  } finally {
    await page.close();
  }
});

it('a withdrawn page lists its versions without links to the copies taken down, the last one the withdrawal', async () => {
  const page = await context.newPage();
  try {
    await page.goto(`${site.url}press/2010/zaixian-fangtan-2010/`);
    const items = await page.locator('.versions li').allInnerTexts();
    expect(items.map((item) => item.replace(/\s+/g, ''))).toEqual(['第1版2010年7月5日首次发布', '第2版2011年1月12日撤回']);
    expect(await page.locator('.versions a').count()).toBe(0);
  } finally {
    await page.close();
  }
});
