/**
 * Environment slugs as the server accepts them (`^[a-z0-9][a-z0-9-]{1,62}$`, packages/contracts
 * `Slug` and services/environments.ts), and a slug suggested from a name.
 * @packageDocumentation
 */

/** The server's rule: a lower-case letter or digit, then 1 to 62 letters, digits or dashes. */
export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{1,62}$/;
/** The longest slug the server accepts (characters). */
export const SLUG_MAX_LENGTH = 63;

/**
 * A kebab-case slug for `name`: accents dropped ("Café" → "cafe"), every run of other characters
 * one dash, no dash at either end, at most 63 characters.
 * @returns the slug, or `''` when the name has fewer than 2 usable characters (no valid slug).
 */
export function suggestSlug(name: string): string {
  const slug = name
    .slice(0, 500)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, SLUG_MAX_LENGTH)
    .replace(/-+$/, '');
  return SLUG_PATTERN.test(slug) ? slug : '';
}
