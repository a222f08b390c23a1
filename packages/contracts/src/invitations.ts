/**
 * Pending invitations of an environment (`GET /api/v1/environments/{env}/invitations`), shared by
 * the server, the CLI and the console (docs/product.md "Delegated administration").
 * @packageDocumentation
 */
import { Type, type Static } from '@sinclair/typebox';

/**
 * An invitation that can still be accepted (not used, expired or revoked). Never its link, token
 * or the token's hash. Times are ISO 8601.
 */
export const PendingInvitation = Type.Object({
  id: Type.String({ description: 'inv_…: what revoking names' }),
  email: Type.String(),
  role: Type.Union([Type.Literal('owner'), Type.Literal('admin'), Type.Literal('developer'), Type.Literal('viewer')]),
  invited_by: Type.String({ description: 'Who invited: admin:<email> (an operator), member:<email> or cli' }),
  created_at: Type.String({ description: 'ISO 8601' }),
  expires_at: Type.String({ description: 'ISO 8601; the link is refused from then on' }),
});
export type PendingInvitation = Static<typeof PendingInvitation>;
