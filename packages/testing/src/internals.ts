/**
 * The one seam where tests reach below the server's public API (`@gatehouse/server`): state that no
 * route, CLI command or service export can create, planted directly so a test can check how it is
 * shown. Keep this list short; everything else goes through `@gatehouse/server`, HTTP or the CLI.
 * @packageDocumentation
 */

/** Writes an audit event as-is (a hostile `actor`/`action`/`target` the API would never produce: docs/security.md H-83). */
export { audit } from '../../server/src/services/audit.js';
