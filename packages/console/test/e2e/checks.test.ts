/**
 * The browser checks themselves can fail: on a page made to break them, the axe helper reports a
 * colour-contrast violation and an unnamed button, and the keyboard helper names a control Tab
 * can't reach; on a clean page both pass.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, expectAccessible } from './axe.js';
import { sharedBrowser } from './browser.js';
import { unreachableByKeyboard } from './keyboard.js';

describe('browser check helpers', () => {
  let context: BrowserContext;
  let page: Page;
  beforeAll(async () => {
    context = await (await sharedBrowser()).newContext();
    page = await context.newPage();
  }, 60_000);
  afterAll(async () => {
    await context?.close();
  });

  it('axe: reports low contrast and an unnamed button, passes a clean page', async () => {
    await page.setContent(`<!doctype html><html lang="en"><head><title>t</title></head><body><main><h1>Title</h1>
      <p style="color:#868e96;background:#fff">dimmed text</p><button><svg width="10" height="10"></svg></button></main></body></html>`);
    const ids = (await axeViolations(page)).map((v) => v.id).sort();
    expect(ids).toEqual(['button-name', 'color-contrast']);
    await expect(expectAccessible(page, 'bad page')).rejects.toThrow(
      /bad page: 2 element\(s\)[\s\S]*color-contrast[\s\S]*#868e96/,
    );
    await page.setContent(`<!doctype html><html lang="en"><head><title>t</title></head><body><main><h1>Title</h1>
      <p style="color:#5c636a;background:#fff">dimmed text</p><button aria-label="Close">x</button></main></body></html>`);
    await expect(expectAccessible(page, 'clean page')).resolves.toBeUndefined();
  });

  it('keyboard: names a control that Tab never reaches, and none on a clean page', async () => {
    await page.setContent(`<main><button>One</button><a href="#x">Two</a>
      <button id="trap">Three</button><input aria-label="Four"></main>
      <script>document.getElementById('trap').addEventListener('focus', (e) => e.target.blur());</script>`);
    expect(await unreachableByKeyboard(page)).toEqual(['button "Three"']);
    await page.setContent(`<main><button>One</button><a href="#x">Two</a><input aria-label="Four"></main>`);
    expect(await unreachableByKeyboard(page)).toEqual([]);
  });
});
