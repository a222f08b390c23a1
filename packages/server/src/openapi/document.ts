/**
 * The OpenAPI document's own parts (@fastify/swagger options): title, how to try the API,
 * the tags, the security schemes. The operations come from the routes (openapi/document-routes.ts).
 * @packageDocumentation
 */
import type { SwaggerOptions } from '@fastify/swagger';
import { securitySchemes } from './security.js';

const DESCRIPTION = `OAuth 2.0 client_credentials authorization server for machine-to-machine integrations, and the Environment API its tokens call.

**Try it out**: click *Authorize*, fill *client_secret_basic* with an integration's client id and secret, and call \`POST /oauth/token\` with \`grant_type=client_credentials\`. Then put the \`access_token\` of the answer in *bearer* and call any Environment API route, e.g. \`GET /api/v1/self\`.

Errors of the OAuth endpoints follow RFC 6749 §5.2; the APIs answer the same shape, \`{"error": code, "error_description": text}\`.`;

/** Tags of the document, in reading order. */
const TAGS = [
  {
    name: 'oauth',
    description: 'Token, revocation and introspection endpoints (RFC 6749, 7009, 7662) and discovery (RFC 8414, 9728).',
  },
  { name: 'environment-api', description: 'The Environment API: what integrations call with their access tokens.' },
  { name: 'customers', description: "The environment's customers (the people your customer tokens name)." },
  { name: 'customer-tokens', description: 'Keys and secrets that sign customer tokens for token exchange.' },
  { name: 'management', description: 'Environments, integrations and their credentials, APIs and audit.' },
  { name: 'environments', description: 'Environment-wide settings.' },
  { name: 'members', description: 'Members of an environment, their roles and invitations.' },
  { name: 'operators', description: 'Server operators (console accounts that manage every environment).' },
  { name: 'console', description: 'Console sessions: sign-in, second factor, profile and single sign-on.' },
];

/** The @fastify/swagger options of the app. */
export function swaggerOptions(): SwaggerOptions {
  return {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Gatehouse API',
        version: '0.1.0',
        description: DESCRIPTION,
      },
      // Relative: "Try it out" calls the server that serves the page, whatever its public URL.
      servers: [{ url: '/', description: 'This Gatehouse' }],
      tags: TAGS,
      components: { securitySchemes: securitySchemes() as never },
    },
  };
}
