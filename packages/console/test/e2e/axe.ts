/**
 * An axe-core check for the browser tests: `await expectAccessible(page, 'environments')` runs
 * axe-core's WCAG 2.0/2.1 level A and AA rules on the page as it is now and fails with the list of
 * violations (rule, impact, the elements and axe's summary of what is wrong).
 *
 * axe's source is evaluated through the DevTools protocol (`page.evaluate`), not added as an
 * inline `<script>`: the console's CSP (`default-src 'self'`) rightly blocks inline scripts.
 * @packageDocumentation
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** The rule tags run: WCAG 2.0 and 2.1, levels A and AA. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] as const;

/** One axe violation, trimmed to what a failure message needs. */
export interface AxeViolation {
  /** axe's rule id, e.g. `color-contrast`. */
  id: string;
  impact: string | null;
  help: string;
  /** Each failing element: its CSS selector path and axe's explanation. */
  nodes: { target: string; summary: string }[];
}

/** Names of every state checked so far in this process (to report coverage). */
export const checkedStates: string[] = [];

/**
 * Waits until no CSS transition or animation runs (a modal fading in has a translucent overlay,
 * which would make colour contrast depend on timing), then two animation frames: the console marks
 * sideways-scrolling regions (tabindex, role) on the frame after a DOM change or resize
 * (scroll-hints.tsx), and a full-page screenshot resizes the page for a moment.
 */
export async function settle(page: Page): Promise<void> {
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'), undefined, {
    polling: 50,
  });
  await page.evaluate(
    () => new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => done()))),
  );
}

/**
 * Runs the WCAG 2.1 A/AA rules on `page` (optionally only inside `include`, a CSS selector, and
 * leaving out the elements matched by `exclude`, CSS selectors).
 * @returns the violations (empty when none).
 */
export async function axeViolations(page: Page, include?: string, exclude?: string[]): Promise<AxeViolation[]> {
  await settle(page);
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(
    async ({ tags, include, exclude }) => {
      const axe = (
        window as unknown as {
          axe: {
            run: (
              ctx: unknown,
              opts: unknown,
            ) => Promise<{
              violations: {
                id: string;
                impact: string | null;
                help: string;
                nodes: { target: unknown[]; failureSummary?: string }[];
              }[];
            }>;
          };
        }
      ).axe;
      const result = await axe.run(
        include || exclude?.length
          ? { include: [include ?? 'html'], exclude: (exclude ?? []).map((e) => [e]) }
          : document,
        { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] },
      );
      return result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => ({
          target: n.target.map(String).join(' '),
          summary: (n.failureSummary ?? '').replace(/\s+/g, ' ').trim(),
        })),
      }));
    },
    { tags: [...WCAG_TAGS], include, exclude },
  );
}

/** Formats violations as one readable block per rule. */
export function describeViolations(violations: AxeViolation[]): string {
  return violations
    .map(
      (v) =>
        `${v.id} (${v.impact ?? 'n/a'}): ${v.help}\n${v.nodes.map((n) => `  - ${n.target}: ${n.summary}`).join('\n')}`,
    )
    .join('\n');
}

/**
 * Fails (throws) when axe-core finds a WCAG 2.1 A/AA violation on `page`; `name` names the screen
 * or state in the message.
 * @throws Error listing every violation and element.
 */
export async function expectAccessible(page: Page, name: string, include?: string, exclude?: string[]): Promise<void> {
  const violations = await axeViolations(page, include, exclude);
  checkedStates.push(name);
  if (violations.length > 0) {
    const count = violations.reduce((n, v) => n + v.nodes.length, 0);
    throw new Error(`${name}: ${count} element(s) violate WCAG 2.1 A/AA rules\n${describeViolations(violations)}`);
  }
}
