/**
 * Sideways-scrolling regions (tables in their scroll container, code snippets) that are wider than
 * their box get `data-overflowing`, which shows a "scroll sideways" hint (see styles.css), and a
 * `tabindex="0"` so keyboard users can scroll them too (WCAG 2.1.1; axe's
 * `scrollable-region-focusable`). One observer for the whole app: screens added later get the same.
 * @packageDocumentation
 */
import { useEffect } from 'react';

/** What can scroll sideways: Mantine's table scroll containers and the console's snippets. */
export const SCROLL_REGIONS = '.mantine-TableScrollContainer-scrollContainer, .gh-snippet, .gh-scroll';

/** Marks each region in `root` as overflowing or not; returns how many overflow. */
export function markScrollRegions(root: ParentNode = document): number {
  let count = 0;
  for (const el of Array.from(root.querySelectorAll<HTMLElement>(SCROLL_REGIONS))) {
    const overflowing = el.scrollWidth > el.clientWidth + 1;
    if (overflowing) count++;
    if (overflowing === el.hasAttribute('data-overflowing')) continue;
    if (overflowing) {
      el.setAttribute('data-overflowing', '');
      if (!el.hasAttribute('tabindex')) {
        el.setAttribute('tabindex', '0');
        el.setAttribute('data-hint-tabindex', '');
      }
      if (!el.hasAttribute('role') && !el.hasAttribute('aria-label')) {
        const label = el.querySelector('table[aria-label]')?.getAttribute('aria-label');
        if (label) {
          el.setAttribute('role', 'region');
          el.setAttribute('aria-label', `${label} (scrolls sideways)`);
          el.setAttribute('data-hint-role', '');
        }
      }
    } else {
      el.removeAttribute('data-overflowing');
      if (el.hasAttribute('data-hint-tabindex')) el.removeAttribute('tabindex');
      if (el.hasAttribute('data-hint-role')) {
        el.removeAttribute('role');
        el.removeAttribute('aria-label');
      }
      el.removeAttribute('data-hint-tabindex');
      el.removeAttribute('data-hint-role');
    }
  }
  return count;
}

/** Keeps every scroll region marked while the app runs (DOM changes and window resizes). */
export function useScrollHints(): void {
  useEffect(() => {
    let frame = 0;
    const schedule = () => {
      if (frame) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        markScrollRegions();
      });
    };
    const mutations = new MutationObserver(schedule);
    mutations.observe(document.body, { childList: true, subtree: true });
    const resize = new ResizeObserver(schedule);
    resize.observe(document.documentElement);
    schedule();
    return () => {
      mutations.disconnect();
      resize.disconnect();
      cancelAnimationFrame(frame);
    };
  }, []);
}
