// Reflow in a real browser: every page template fits a 360 px phone screen and the 640 CSS px a
// 1280 px window has at 200% zoom, without scrolling sideways (WCAG 1.4.10). Wide data tables may
// scroll inside their own region, which must then be labelled and reachable by keyboard to scroll.
// The main navigation stays visible, uncovered and working at both widths.

import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.ts';
import { exampleSite, openPage, pagesToTest } from './site.ts';

// The browser's globals, for the functions run in the page (tsconfig has no DOM lib).
interface Rect {
  left: number;
  right: number;
  top: number;
  bottom: number;
  width: number;
  height: number;
}
interface El {
  tagName: string;
  className: string;
  textContent: string | null;
  scrollWidth: number;
  clientWidth: number;
  parentElement: El | null;
  getAttribute(name: string): string | null;
  hasAttribute(name: string): boolean;
  getBoundingClientRect(): Rect;
  contains(other: El | null): boolean;
}
declare const document: {
  documentElement: El;
  body: El;
  querySelectorAll(selector: string): Iterable<El>;
  elementFromPoint(x: number, y: number): El | null;
};
declare function getComputedStyle(element: El): { overflowX: string; visibility: string; display: string; position: string };

const site = await exampleSite();
const { chosen } = await pagesToTest(site);
const browser: Browser = await launchBrowser();
console.log(`Reflow checked at 360 px and 640 px (1280 px at 200%) on:\n${chosen.map((page) => `  ${page.path}`).join('\n')}`);

afterAll(async () => {
  await browser.close();
  await site.close();
});

interface Reflow {
  scrollWidth: number;
  viewport: number;
  /** Elements sticking out to the right, outside any scrolling container. */
  overflowing: string[];
  /** Tables wider than their container: how their container handles it. */
  wideTables: { table: string; scroller?: { tabIndex: string | null; role: string | null; label: string | null } }[];
}

/** What sticks out of the viewport, and how wide tables scroll. */
function reflow(page: Page): Promise<Reflow> {
  return page.evaluate(() => {
    const viewport = document.documentElement.clientWidth;
    const describe = (element: El) =>
      `<${element.tagName.toLowerCase()}${element.className === '' ? '' : ` class="${element.className}"`}> ${(element.textContent ?? '').trim().slice(0, 40)}`;
    // The scrolling container that clips the element. An absolutely positioned element escapes
    // containers below its containing block (its nearest positioned ancestor).
    const scroller = (element: El): El | undefined => {
      let positioned = !['absolute', 'fixed'].includes(getComputedStyle(element).position);
      for (let up = element.parentElement; up !== null; up = up.parentElement) {
        if (up === document.body) return undefined;
        const style = getComputedStyle(up);
        if (style.position !== 'static') positioned = true;
        if (positioned && ['auto', 'scroll'].includes(style.overflowX)) return up;
      }
      return undefined;
    };
    const overflowing: string[] = [];
    for (const element of document.querySelectorAll('body *')) {
      const rect = element.getBoundingClientRect();
      if (rect.width === 0 || rect.right <= viewport + 0.5) continue;
      if (scroller(element) === undefined) overflowing.push(`${describe(element)} (right edge at ${Math.round(rect.right)} px)`);
    }
    const wideTables = [];
    for (const table of document.querySelectorAll('table')) {
      const container = scroller(table);
      const available = (container ?? table.parentElement ?? document.body).clientWidth;
      if (table.getBoundingClientRect().width <= available + 0.5) continue;
      wideTables.push({
        table: describe(table),
        scroller:
          container === undefined
            ? undefined
            : {
                tabIndex: container.getAttribute('tabindex'),
                // A <section> with an accessible name has the implicit role region (HTML-AAM); an explicit role wins.
                role:
                  container.getAttribute('role') ??
                  (container.tagName === 'SECTION' && (container.hasAttribute('aria-label') || container.hasAttribute('aria-labelledby')) ? 'region' : null),
                label: container.getAttribute('aria-label') ?? container.getAttribute('aria-labelledby'),
              },
      });
    }
    return { scrollWidth: document.documentElement.scrollWidth, viewport, overflowing, wideTables };
  });
}

interface NavLink {
  text: string;
  href: string | null;
  current: string | null;
  rect: Rect;
  /** The link itself is what a tap at its centre hits. */
  hit: boolean;
}

function navLinks(page: Page): Promise<NavLink[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('.site-header a')].map((link) => {
      const rect = link.getBoundingClientRect();
      const atCentre = document.elementFromPoint(rect.left + rect.width / 2, rect.top + rect.height / 2);
      return {
        text: (link.textContent ?? '').trim(),
        href: link.getAttribute('href'),
        current: link.getAttribute('aria-current'),
        rect: { left: rect.left, right: rect.right, top: rect.top, bottom: rect.bottom, width: rect.width, height: rect.height },
        hit: link.contains(atCentre),
      };
    }),
  );
}

const widths = [
  { name: 'a 360 px phone', width: 360, height: 740 },
  { name: '1280 px at 200% zoom', width: 640, height: 450 },
];

// One browser context per width, a page per test: a context per page costs Chromium as much CPU
// again, and the site keeps no state in the browser (no cookies or storage) for tests to share.
const contexts = new Map<number, BrowserContext>();
for (const { width, height } of widths) contexts.set(width, await browser.newContext({ viewport: { width, height } }));

describe.concurrent.each(widths)('at $name', ({ width }) => {
  it.each(chosen.map((page) => [page.path, page] as const))('%s needs no sideways scrolling', async (path, chosenPage) => {
    const page = await (contexts.get(width) as BrowserContext).newPage();
    try {
      await openPage(page, site, chosenPage);
      const found = await reflow(page);
      expect(found.overflowing, `${path} at ${width} px: elements stick out`).toEqual([]);
      expect(found.scrollWidth, `${path} at ${width} px scrolls sideways`).toBeLessThanOrEqual(found.viewport);
      for (const table of found.wideTables) {
        // WCAG reflow lets data tables scroll in two dimensions: in a region a keyboard can reach, with a name.
        expect(table.scroller, `${path}: ${table.table} is wider than the page and does not scroll in its own region`).toBeDefined();
        expect(table.scroller, `${path}: the scrolling region of ${table.table}`).toMatchObject({ tabIndex: '0', role: 'region', label: expect.any(String) });
      }
      const links = await navLinks(page);
      expect(links.length).toBeGreaterThanOrEqual(3);
      for (const link of links) {
        const where = `${path} at ${width} px: header link ${link.text}`;
        expect(link.rect.width, `${where} is not displayed`).toBeGreaterThan(0);
        expect(link.rect.left, `${where} starts off screen`).toBeGreaterThanOrEqual(0);
        expect(link.rect.right, `${where} ends off screen`).toBeLessThanOrEqual(width);
        expect(link.hit, `${where} is covered by something else`).toBe(true);
        // Targets big enough to tap: WCAG 2.5.8 asks 24 × 24 CSS px (or the spacing equivalent).
        expect(link.rect.height, `${where} is too small to tap`).toBeGreaterThanOrEqual(24);
      }
    } finally {
      await page.close();
    }
  });

  it('the navigation works: tapping a section opens it', async () => {
    const page = await (contexts.get(width) as BrowserContext).newPage();
    try {
      await page.goto(site.url + 'gazette/2010/05/huaifu-2010-69/');
      const links = await navLinks(page);
      const target = links.find((link) => link.href === '/press/');
      expect(target, 'the navigation has 新闻发布').toBeDefined();
      await Promise.all([
        page.waitForURL(`${site.url}press/`),
        page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '新闻发布' }).click(),
      ]);
      expect(await page.locator('h1').first().textContent()).toContain('新闻发布');
    } finally {
      await page.close();
    }
  });
});
