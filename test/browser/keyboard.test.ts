// Keyboard use in a real browser: the first Tab reaches the skip link, which moves focus to the
// main content; Tab then visits every link, button and field of the page in order, each with a
// visible focus indicator, and leaves the page at the end (no keyboard trap); Shift+Tab walks back.
// Every page template is walked forwards; one long page (a press conference) backwards too.

import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.ts';
import { exampleSite, openPage, pagesToTest } from './site.ts';

// The browser's globals, for the functions run in the page (tsconfig has no DOM lib).
interface El {
  tagName: string;
  id: string;
  className: string;
  textContent: string | null;
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
  getClientRects(): { length: number };
  getBoundingClientRect(): { left: number; right: number; top: number; bottom: number; width: number; height: number };
  closest(selector: string): El | null;
}
declare const document: { activeElement: El | null; body: El; querySelectorAll(selector: string): Iterable<El> };
declare const window: { innerWidth: number; innerHeight: number };
declare function getComputedStyle(element: El): { visibility: string; outlineStyle: string; outlineWidth: string; boxShadow: string };

const site = await exampleSite();
const { chosen } = await pagesToTest(site);
const browser: Browser = await launchBrowser();
// One browser context for the file, a page per test: a context per page costs Chromium as much CPU
// again, and the site keeps no state in the browser (no cookies or storage) for tests to share.
const context: BrowserContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });

afterAll(async () => {
  await browser.close();
  await site.close();
});

interface Focused {
  /** The element's number in document order among the focusable ones (marked before the walk); -1 for the body. */
  index: number;
  label: string;
  /** Inside the skip link, header, main or footer. */
  region: string;
  indicator: boolean;
  inViewport: boolean;
}

/** Number the elements that should take focus, in document order; their labels. */
function markFocusable(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const selector = 'a[href], button:not([disabled]), input:not([type="hidden"]):not([disabled]), select, textarea, summary, [tabindex]:not([tabindex="-1"])';
    const labels: string[] = [];
    for (const element of document.querySelectorAll(selector)) {
      if (element.getClientRects().length === 0 || getComputedStyle(element).visibility === 'hidden') continue;
      element.setAttribute('data-focus-index', String(labels.length));
      labels.push(`<${element.tagName.toLowerCase()}> ${(element.textContent ?? '').trim().slice(0, 30) || (element.getAttribute('aria-label') ?? '')}`);
    }
    return labels;
  });
}

function focused(page: Page): Promise<Focused> {
  return page.evaluate(() => {
    const element = document.activeElement;
    if (element === null || element === document.body) return { index: -1, label: 'body', region: 'none', indicator: false, inViewport: false };
    const style = getComputedStyle(element);
    const rect = element.getBoundingClientRect();
    const region = element.closest('.skip-link')
      ? 'skip'
      : element.closest('header')
        ? 'header'
        : element.closest('main')
          ? 'main'
          : element.closest('footer')
            ? 'footer'
            : 'other';
    return {
      index: Number(element.getAttribute('data-focus-index') ?? '-2'),
      label: `<${element.tagName.toLowerCase()}${element.id === '' ? '' : `#${element.id}`}> ${(element.textContent ?? '').trim().slice(0, 30)}`,
      region,
      indicator: (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2) || style.boxShadow !== 'none',
      inViewport: rect.bottom > 0 && rect.top < window.innerHeight && rect.right > 0 && rect.left < window.innerWidth,
    };
  });
}

describe('the skip link', () => {
  it('is the first Tab stop, shows itself, and moves focus to the main content', async () => {
    const page = await context.newPage();
    try {
      await page.goto(`${site.url}gazette/2010/05/huaifu-2010-69/`);
      await page.keyboard.press('Tab');
      const first = await focused(page);
      expect(first.region, `the first Tab stop is ${first.label}`).toBe('skip');
      expect(first.label).toContain('跳到主要内容');
      expect(first.inViewport, 'the focused skip link is on screen').toBe(true);
      expect(first.indicator, 'the focused skip link shows focus').toBe(true);
      await page.keyboard.press('Enter');
      expect((await focused(page)).label).toMatch(/^<main#main>/);
      expect(page.url()).toMatch(/#main$/);
      // The next Tab goes on from the main content, not from the header.
      await page.keyboard.press('Tab');
      expect((await focused(page)).region).toBe('main');
    } finally {
      await page.close();
    }
  });
});

// Pages run five at a time in one browser, beside another test file: slower than one alone.
describe.concurrent('Tab reaches everything, visibly, and leaves the page', { timeout: 120_000 }, () => {
  it.each(chosen.map((page) => [page.path, page] as const))('%s', async (path, chosenPage) => {
    const page = await context.newPage();
    try {
      await openPage(page, site, chosenPage);
      const expected = await markFocusable(page);
      const visited: Focused[] = [];
      for (let step = 0; step <= expected.length + 5; step++) {
        await page.keyboard.press('Tab');
        const now = await focused(page);
        if (now.index === -1) break;
        visited.push(now);
      }
      // Past the last element, focus leaves the document: no trap, and nothing taken twice.
      expect(visited.length, `${path}: Tab did not leave the page after ${visited.length} stops (a keyboard trap?)`).toBeLessThanOrEqual(expected.length);
      expect(
        visited.map((stop) => stop.index),
        `${path}: Tab order should visit every focusable element once, in document order`,
      ).toEqual(expected.map((_, index) => index));
      const invisible = visited.filter((stop) => !stop.indicator).map((stop) => stop.label);
      expect(invisible, `${path}: no visible focus indicator`).toEqual([]);
    } finally {
      await page.close();
    }
  });
});

it('Shift+Tab from the end of a page walks the same stops in reverse', async () => {
  const page = await context.newPage();
  try {
    await page.goto(`${site.url}press/2010/zhengwu-gongkai-fabuhui/`);
    const expected = await markFocusable(page);
    expect(expected.length).toBeGreaterThan(10);
    await page.locator('.site-footer a').last().focus();
    await page.keyboard.press('Tab');
    expect((await focused(page)).index, 'Tab from the last link leaves the page').toBe(-1);
    const back: number[] = [];
    for (let step = 0; step < expected.length; step++) {
      await page.keyboard.press('Shift+Tab');
      back.push((await focused(page)).index);
    }
    expect(back).toEqual(expected.map((_, index) => expected.length - 1 - index));
  } finally {
    await page.close();
  }
});
