/**
 * A real Gatehouse (SQLite) with its operators, and Debian's Chromium driving the console: the
 * shared setup of the console's browser tests. Console errors, uncaught exceptions, CSP
 * violations and 404 answers are collected in `problems` / `notFound`.
 * @packageDocumentation
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterEach, beforeEach } from 'vitest';
import { startTestServer, type TestServer } from '@gatehouse/testing/server';
import { CLI_ACTOR } from '../../../server/src/context.js';
import { createAdmin } from '../../../server/src/services/admins.js';
import { ensureConsoleBuilt } from './build-console.js';
import { trackRequests } from './network.js';

/** Where screenshots go (git-ignored). */
export const RESULTS = fileURLToPath(new URL('../../test-results/', import.meta.url));
export const EMAIL = 'grace@example.com';
export const PASSWORD = 'correct horse battery staple';
/** The two widths every screen is looked at. */
export const WIDE = { width: 1366, height: 800 };
export const NARROW = { width: 390, height: 844 };

/** An operator account: email and password. */
export interface Operator {
  email: string;
  password: string;
}

/** How {@link openConsole} sets up the server and the browser; every field has a default. */
export interface ConsoleOptions {
  /** Options of `startTestServer` (the store is always SQLite). */
  server?: Parameters<typeof startTestServer>[1];
  /** A server started already, to use instead (the session closes it); `server` is then ignored. */
  testServer?: TestServer;
  /** Operators created before the browser starts; the first is who `signIn()` signs in (default {@link EMAIL}). */
  operators?: Operator[];
  /** The window size at start (default {@link WIDE}). */
  viewport?: { width: number; height: number };
  /** Playwright's default timeout of actions and waits, in ms (default 10 000). */
  timeoutMs?: number;
  /**
   * Console errors the test provokes (failed answers), left out of `problems` (default: any
   * `status of 40x`); `null`: console errors are not collected (page errors still are).
   */
  expectedConsoleErrors?: RegExp | null;
  /** When set, console errors count only while the page is on this origin (another site's page is not ours). */
  consoleOrigin?: string;
  /** Whether CSP violations go to `problems` (default true). */
  reportCsp?: boolean;
}

/** A running server plus a browser page on it. */
export interface ConsoleSession {
  t: TestServer;
  context: BrowserContext;
  page: Page;
  /** Console errors (other than the expected ones), page errors and CSP violations. */
  problems: string[];
  /** URLs answered 404 (the API's excepted). */
  notFound: string[];
  /** A full-page screenshot into `test-results/{name}.png`. */
  shot(name: string): Promise<void>;
  /** Full-page screenshots at both widths, `test-results/{name}-1366.png` and `-390.png`; ends at {@link WIDE}. */
  shots(name: string): Promise<void>;
  /** Signs in through the form (default: the first operator) and waits for "Sign out". */
  signIn(email?: string, password?: string): Promise<void>;
  close(): Promise<void>;
}

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let shared: Promise<Browser> | undefined;

/**
 * Debian's Chromium, started once per test worker and shared by the files it runs (the e2e
 * projects reuse their workers): each session gets its own browser context, a fresh profile with
 * no cookie, storage or cache of another's, for a fraction of a browser start's CPU. It stops
 * with the worker (Playwright closes the browsers it started when the process exits).
 */
export function sharedBrowser(): Promise<Browser> {
  shared ??= chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  return shared;
}

/** Starts the server, creates its operators and opens a browser context (builds the console first when stale). */
export async function openConsole(opts: ConsoleOptions = {}): Promise<ConsoleSession> {
  ensureConsoleBuilt();
  mkdirSync(RESULTS, { recursive: true });
  const t = opts.testServer ?? (await startTestServer('sqlite', opts.server));
  const operators = opts.operators ?? [{ email: EMAIL, password: PASSWORD }];
  for (const o of operators) await createAdmin(t.server.runtime.ctx, CLI_ACTOR, o.email, o.password);
  const context = await (await sharedBrowser()).newContext({ viewport: opts.viewport ?? WIDE });
  context.setDefaultTimeout(opts.timeoutMs ?? 10_000);
  trackRequests(context);
  const page = await context.newPage();
  const problems: string[] = [];
  const notFound: string[] = [];
  const expected = opts.expectedConsoleErrors === undefined ? /status of 40[0-9]/ : opts.expectedConsoleErrors;
  if (expected)
    page.on('console', (m) => {
      if (opts.consoleOrigin && !page.url().startsWith(opts.consoleOrigin)) return;
      if (m.type() === 'error' && !expected.test(m.text())) problems.push(m.text());
    });
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('response', (r) => {
    if (r.status() === 404 && !r.url().includes('/api/v1/')) notFound.push(r.url());
  });
  if (opts.reportCsp ?? true) await reportCspViolations(page, problems);
  const shot = async (name: string) => {
    await page.screenshot({ path: join(RESULTS, `${name}.png`), fullPage: true });
  };
  return {
    t,
    context,
    page,
    problems,
    notFound,
    shot,
    shots: async (name) => {
      for (const size of [WIDE, NARROW]) {
        await page.setViewportSize(size);
        await shot(`${name}-${size.width}`);
      }
      await page.setViewportSize(WIDE);
    },
    signIn: async (email = operators[0]?.email ?? EMAIL, password = operators[0]?.password ?? PASSWORD) => {
      await page.goto(`${t.url}/console/`);
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password', { exact: true }).fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('button', { name: 'Sign out' }).waitFor();
    },
    close: async () => {
      await context.close();
      await t.close();
    },
  };
}

/** CSP violations on `page`, with a sample of what was blocked (the console message alone doesn't say), go to `problems`. */
async function reportCspViolations(page: Page, problems: string[]): Promise<void> {
  await page.exposeFunction('reportViolation', (v: string) => problems.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { reportViolation: (v: string) => void }).reportViolation(
        `CSP ${e.effectiveDirective}: ${e.sample} at ${window.location.pathname}${window.location.search}`,
      );
    });
  });
}

/**
 * For a file that is one scenario in steps: after a failed step the rest are skipped, not timed
 * out one by one. Call inside the `describe`.
 */
export function skipAfterFailure(): void {
  let failed = false;
  afterEach((ctx) => {
    if (ctx.task.result?.state === 'fail') failed = true;
  });
  beforeEach((ctx) => {
    if (failed) ctx.skip();
  });
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

/**
 * In a window {@link NARROW} or narrower: a failure line naming `name` when the page is wider than
 * the window; undefined when it fits or the window is wider.
 */
export async function narrowOverflow(page: Page, name: string): Promise<string | undefined> {
  if (page.viewportSize()!.width > NARROW.width) return undefined;
  const o = await overflowsHorizontally(page);
  if (o.scrollWidth <= o.innerWidth) return undefined;
  return `${name}: the page is ${o.scrollWidth} px wide in a ${o.innerWidth} px window (${o.widest ?? '?'})`;
}
