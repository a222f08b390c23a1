/**
 * Gatehouse's mark (the console's shield, packages/console/public/favicon.svg) for `/docs`: the
 * logo of the page's top bar, beside the name, and its icon.
 * @packageDocumentation
 */

const SHIELD =
  '<path fill="#1971c2" d="M16 1.5 4 6v8.5c0 7.6 5.1 14.3 12 16 6.9-1.7 12-8.4 12-16V6z"/>' +
  '<rect x="11" y="14" width="10" height="8" rx="1.5" fill="#fff"/>' +
  '<path d="M13 14v-2.5a3 3 0 0 1 6 0V14" fill="none" stroke="#fff" stroke-width="2"/>';

/** The icon: the shield alone (SVG). */
export const DOCS_ICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">${SHIELD}</svg>`;

/** The top bar's logo: the shield and "Gatehouse API" in white, for Swagger UI's dark bar (SVG, 40 px high). */
export const DOCS_LOGO_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 32" width="250" height="40">' +
  `<title>Gatehouse API</title>${SHIELD}` +
  '<text x="38" y="23" fill="#fff" font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" font-size="19" font-weight="600">Gatehouse API</text>' +
  '</svg>';
