// The search page in headless Chromium, served by the preview server over a built bucket:
// results from the address, from typing and Enter, keyboard only, and without JavaScript.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { loadContent } from '../../src/content/load.ts';
import type { ContentSet } from '../../src/content/model.ts';
import { buildSite } from '../../src/publish/build.ts';
import { createSiteRenderer } from '../../src/publish/siteRenderer.ts';
import { launchBrowser, serveObjects } from '../helpers/browser.ts';
import { createTestStores } from '../helpers/stores.ts';
import { writeSite } from '../publish/site.ts';
import { searchSiteFiles } from '../discovery/searchClient.ts';

const now = new Date('2010-06-25T08:00:00+08:00');

let browser: Browser;
let base: string;
let close: () => Promise<void>;

beforeAll(async () => {
  const stores = await createTestStores();
  const root = await writeSite(searchSiteFiles());
  const { content } = await loadContent(root);
  const renderer = await createSiteRenderer(content as ContentSet, { workers: 0 });
  try {
    await buildSite({ content: content as ContentSet, objects: stores.objects, records: stores.records, renderer, now });
  } finally {
    await renderer.close();
  }
  const served = await serveObjects(stores.objects);
  base = served.url.replace(/\/$/, '');
  close = () => served.close();
  // The same Chromium lookup as every browser test: GAZETTE_CHROMIUM, else chromium on PATH; none
  // found fails with how to install it, never a silent skip.
  browser = await launchBrowser();
  close = async () => {
    await browser.close();
    await served.close();
  };
}, 120_000);

afterAll(async () => {
  await close?.();
});

/** A page that fails the test on any script error or CSP violation. */
async function openPage(javaScriptEnabled = true): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ javaScriptEnabled });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  // Chromium asks for /favicon.ico by itself; any other failed request is a problem.
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(message.text());
  });
  page.on('response', (response) => {
    if (response.status() >= 400 && !response.url().endsWith('/favicon.ico')) problems.push(`${response.status()} ${response.url()}`);
  });
  return { page, problems };
}

async function resultTitles(page: Page): Promise<string[]> {
  await page.locator('#search-list li').first().waitFor();
  return page.locator('#search-list li h3').allInnerTexts();
}

describe('the search page in Chromium', () => {
  it('shows ranked results with highlighted snippets for ?q=', async () => {
    const { page, problems } = await openPage();
    await page.goto(`${base}/search/?q=${encodeURIComponent('政务公开')}`);
    const titles = await resultTitles(page);
    expect(titles.slice(0, 2).sort()).toEqual(['淮南市人民政府关于进一步推进政务公开工作的意见', '淮南市政务公开工作新闻发布会']);
    expect(titles).toContain('市长热线月度通报');
    expect(await page.locator('#search-status').innerText()).toMatch(/找到\d+条与“政务公开”相关的结果/);
    const bodyOnly = page.locator('#search-list li', { hasText: '市长热线月度通报' });
    expect(await bodyOnly.locator('.search-snippet mark').first().innerText()).toBe('政务公开');
    expect(await page.locator('#search-list li h3 mark').first().innerText()).toBe('政务公开');
    expect(await page.inputValue('#search-q')).toBe('政务公开');
    expect(await page.locator('#search-nojs').count()).toBe(0);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('searches what is typed in the box when Enter is pressed, keyboard only', async () => {
    const { page, problems } = await openPage();
    await page.goto(`${base}/search/`);
    expect(await page.locator('#search-status').innerText()).toContain('请输入');
    // Tab from the top of the page to the search box.
    let reached = false;
    for (let i = 0; i < 20 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = (await page.evaluate("document.activeElement?.id ?? ''")) === 'search-q';
    }
    expect(reached).toBe(true);
    await page.keyboard.type('淮府〔2010〕69号');
    await Promise.all([page.waitForURL(/\/search\/\?q=/), page.keyboard.press('Enter')]);
    expect(decodeURIComponent(new URL(page.url()).searchParams.get('q') ?? '')).toBe('淮府〔2010〕69号');
    const titles = await resultTitles(page);
    expect(titles[0]).toBe('淮南市人民政府关于进一步推进政务公开工作的意见');
    // On from the box to the first result, and Enter opens it.
    await page.focus('#search-q');
    let onResult = false;
    for (let i = 0; i < 5 && !onResult; i++) {
      await page.keyboard.press('Tab');
      onResult = (await page.evaluate("document.activeElement?.closest('#search-list') !== null")) === true;
    }
    expect(onResult).toBe(true);
    await Promise.all([page.waitForURL(/\/gazette\/2010\/05\/huaifu-2010-69\/$/), page.keyboard.press('Enter')]);
    expect(await page.locator('h1').innerText()).toContain('政务公开');
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('says when nothing is found', async () => {
    const { page, problems } = await openPage();
    await page.goto(`${base}/search/?q=${encodeURIComponent('地铁')}`);
    await page.locator('#search-status', { hasText: '没有找到' }).waitFor();
    expect(await page.locator('#search-results').isHidden()).toBe(true);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('without JavaScript says search needs it and offers the catalogue and 文号 lookup', async () => {
    const { page } = await openPage(false);
    await page.goto(`${base}/search/?q=${encodeURIComponent('政务公开')}`);
    const note = page.locator('#search-nojs');
    expect(await note.innerText()).toContain('需要浏览器启用JavaScript');
    expect(await note.locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href')))).toEqual(['/xxgk/', '/wh/']);
    await page.context().close();
  });
});
