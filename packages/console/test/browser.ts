/**
 * A real Gatehouse (SQLite) with an administrator, and Debian's Chromium driving the console: the
 * shared setup of the accessibility and polish tests. Console errors, uncaught exceptions, CSP
 * violations and 404 answers are collected in `problems` / `notFound`.
 * @packageDocumentation
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startTestServer, type TestServer } from '@gatehouse/testing/server';
import { CLI_ACTOR } from '../../server/src/context.js';
import { createAdmin } from '../../server/src/services/admins.js';
import { ensureConsoleBuilt } from './build-console.js';

/** Where screenshots go (git-ignored). */
export const RESULTS = fileURLToPath(new URL('../test-results/', import.meta.url));
export const EMAIL = 'grace@example.com';
export const PASSWORD = 'correct horse battery staple';
/** The two widths every screen is looked at. */
export const WIDE = { width: 1366, height: 800 };
export const NARROW = { width: 390, height: 844 };

/** A running server plus a browser page on it. */
export interface ConsoleSession {
  t: TestServer;
  context: BrowserContext;
  page: Page;
  /** Console errors (other than expected 4xx answers), page errors and CSP violations. */
  problems: string[];
  /** URLs answered 404. */
  notFound: string[];
  /** A full-page screenshot into `test-results/{name}.png`. */
  shot(name: string): Promise<void>;
  /** Signs in through the form. */
  signIn(): Promise<void>;
  close(): Promise<void>;
}

/** Full-page screenshots of `page` at 1366 and 390 px into `test-results/{name}-{1366|390}.png`; leaves it at {@link WIDE}. */
export async function shotBothWidths(page: Page, name: string): Promise<void> {
  for (const [label, size] of [
    ['1366', WIDE],
    ['390', NARROW],
  ] as const) {
    await page.setViewportSize(size);
    await page.screenshot({ path: join(RESULTS, `${name}-${label}.png`), fullPage: true });
  }
  await page.setViewportSize(WIDE);
}

/** Debian's Chromium, headless, quiet (no network of its own), on the profile folder `profile`, at {@link WIDE}. */
export function launchChromium(profile: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: WIDE,
  });
}

/** Starts the server and Chromium (builds the console first when stale). */
export async function openConsole(): Promise<ConsoleSession> {
  ensureConsoleBuilt();
  mkdirSync(RESULTS, { recursive: true });
  const t = await startTestServer('sqlite');
  await createAdmin(t.server.runtime.ctx, CLI_ACTOR, EMAIL, PASSWORD);
  const profile = mkdtempSync(join(tmpdir(), 'gatehouse-chromium-'));
  const context = await launchChromium(profile);
  context.setDefaultTimeout(10_000);
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  const notFound: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 40[0-9]/.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('response', (r) => {
    if (r.status() === 404 && !r.url().includes('/api/v1/')) notFound.push(r.url());
  });
  await page.exposeFunction('reportViolation', (v: string) => problems.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { reportViolation: (v: string) => void }).reportViolation(
        `CSP ${e.effectiveDirective}: ${e.sample} at ${window.location.pathname}`,
      );
    });
  });
  return {
    t,
    context,
    page,
    problems,
    notFound,
    shot: async (name) => {
      await page.screenshot({ path: join(RESULTS, `${name}.png`), fullPage: true });
    },
    signIn: async () => {
      await page.goto(`${t.url}/console/`);
      await page.getByLabel('Email').fill(EMAIL);
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('button', { name: 'Sign out' }).waitFor();
    },
    close: async () => {
      await context.close();
      await t.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** True when the page scrolls sideways (something is wider than the viewport). */
export async function overflowsHorizontally(
  page: Page,
): Promise<{ scrollWidth: number; innerWidth: number; widest?: string }> {
  return page.evaluate(() => {
    const scrollWidth = document.scrollingElement!.scrollWidth;
    let widest: string | undefined;
    if (scrollWidth > window.innerWidth) {
      // Name the outermost element sticking out, to make a failure actionable.
      for (const el of Array.from(document.querySelectorAll('body *'))) {
        const r = el.getBoundingClientRect();
        if (r.right > window.innerWidth + 1) {
          widest = `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : ''} (${Math.round(r.right)} px)`;
          break;
        }
      }
    }
    return { scrollWidth, innerWidth: window.innerWidth, ...(widest && { widest }) };
  });
}
