/**
 * Keyboard checks: `tabTo` presses Tab until a control with a given name has focus;
 * `expectKeyboardReachable` tabs through a whole screen and fails naming any visible, enabled
 * control that Tab never reached.
 * @packageDocumentation
 */
import type { Page } from 'playwright-core';

/** The accessible-ish name of the focused element (aria-label, its label, or its text). */
export async function focusedName(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return '';
    const labelled = el.getAttribute('aria-labelledby');
    const byId = labelled
      ? labelled
          .split(' ')
          .map((id) => document.getElementById(id)?.textContent ?? '')
          .join(' ')
      : '';
    const label = (el as HTMLInputElement).labels?.[0]?.textContent ?? '';
    return (el.getAttribute('aria-label') ?? (byId || label || el.textContent || '')).trim();
  });
}

/**
 * Presses Tab (Shift+Tab with `back`) until the focused element's name matches `name`.
 * @throws Error after `max` presses without reaching it.
 */
export async function tabTo(page: Page, name: string | RegExp, { max = 40, back = false } = {}): Promise<void> {
  const matches = (n: string) => (typeof name === 'string' ? n === name : name.test(n));
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    if (matches(await focusedName(page))) return;
  }
  throw new Error(`Tab never reached "${String(name)}" in ${max} presses (last: "${await focusedName(page)}")`);
}

/**
 * Tabs through the page from the top until focus comes back round, then lists the visible,
 * enabled controls never focused (inside the open modal dialog only, when one is open). Controls of a roving-tabindex group (tabs, radios, segmented
 * controls: one stop per group, arrows inside) count as reached when their group was.
 * @returns descriptions of the unreached controls (empty when all were reached).
 */
export async function unreachableByKeyboard(page: Page, max = 250): Promise<string[]> {
  await page.evaluate(() => {
    for (const el of Array.from(document.querySelectorAll('[data-kb-seen]'))) el.removeAttribute('data-kb-seen');
    (document.activeElement as HTMLElement | null)?.blur();
  });
  let first: unknown;
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const id = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return null;
      if (el.hasAttribute('data-kb-seen')) return el.getAttribute('data-kb-seen');
      const n = String(document.querySelectorAll('[data-kb-seen]').length);
      el.setAttribute('data-kb-seen', n);
      return 'new';
    });
    if (id === 'new') continue;
    if (id === null && first !== undefined) break;
    // Back at the first control: the walk went round. Another control seen again is one with
    // several Tab stops inside it (a `datetime-local` input's date and time fields): go on.
    if (id === '0') break;
    if (id !== null) continue;
    first = true;
  }
  return page.evaluate(() => {
    const visible = (el: Element) => {
      const r = el.getBoundingClientRect();
      const st = getComputedStyle(el);
      return r.width > 0 && r.height > 0 && st.visibility !== 'hidden' && st.display !== 'none';
    };
    const controls = Array.from(
      document.querySelectorAll<HTMLElement>(
        'a[href], button, input, textarea, select, [tabindex]:not([tabindex="-1"])',
      ),
    );
    // An open modal dialog traps focus: the page behind it is not meant to be reached.
    const modal = Array.from(document.querySelectorAll('[role="dialog"][aria-modal="true"]')).find(visible);
    const missed: string[] = [];
    for (const el of controls) {
      if (
        // `:disabled` also covers controls inside a disabled <fieldset> (their `disabled` property stays false).
        el.matches(':disabled') ||
        el.getAttribute('aria-hidden') === 'true' ||
        el.closest('[aria-hidden="true"], [inert]') ||
        (modal && !modal.contains(el))
      )
        continue;
      if (el.hasAttribute('data-kb-seen')) continue;
      if (el.getAttribute('tabindex') === '-1') continue;
      // Roving groups: one member reached is enough.
      const group =
        el.closest('[role="tablist"], [role="radiogroup"], .mantine-SegmentedControl-root') ??
        (el instanceof HTMLInputElement && el.type === 'radio' && el.name
          ? document.querySelector(`[name="${el.name}"]`)?.closest('[role="radiogroup"]')
          : null);
      if (group && group.querySelector('[data-kb-seen]')) continue;
      const target =
        el instanceof HTMLInputElement && (el.type === 'radio' || el.type === 'checkbox')
          ? (el.parentElement ?? el)
          : el;
      if (!visible(target) && !visible(el)) continue;
      const name =
        el.getAttribute('aria-label') ?? (el as HTMLInputElement).labels?.[0]?.textContent ?? el.textContent ?? '';
      missed.push(
        `${el.tagName.toLowerCase()}${el.getAttribute('role') ? `[role=${el.getAttribute('role')}]` : ''} "${name.trim().slice(0, 60)}"`,
      );
    }
    return missed;
  });
}

/**
 * Fails when a visible, enabled control of the screen can't be reached with Tab.
 * @throws Error naming the screen and the controls missed.
 */
export async function expectKeyboardReachable(page: Page, name: string): Promise<void> {
  const missed = await unreachableByKeyboard(page);
  if (missed.length) throw new Error(`${name}: not reachable with Tab: ${missed.join(', ')}`);
}
