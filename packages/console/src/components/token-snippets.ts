/**
 * The token request of an integration in curl, Node and Python: with a secret (as
 * `<CLIENT_SECRET>`, never filled in), or for a key-only integration with a `private_key_jwt`
 * client assertion (RFC 7523 §2.2) signed with its private key (`private-key.pem`, `<KEY_ID>`).
 */

/** What the snippets need: the server's RFC 8414 `issuer` and `token_endpoint`, and the integration. */
export interface SnippetTarget {
  issuer: string;
  tokenEndpoint: string;
  clientId: string;
  /** The Environment API's audience, sent as `audience` when given. */
  audience?: string | undefined;
  /** `private_key_jwt`: a key-only integration (no secret). */
  keyOnly: boolean;
}

/** The snippet languages, in tab order. */
export type SnippetLanguage = 'curl' | 'node' | 'python';

/** The snippets, by language. */
export function snippets(t: SnippetTarget): Record<SnippetLanguage, string> {
  return t.keyOnly ? keySnippets(t) : secretSnippets(t);
}

function secretSnippets({
  tokenEndpoint: endpoint,
  clientId,
  audience,
}: SnippetTarget): Record<SnippetLanguage, string> {
  const aud = audience ? `  --data-urlencode 'audience=${audience}' \\\n` : '';
  return {
    curl: `curl -X POST '${endpoint}' \\\n  --header 'content-type: application/x-www-form-urlencoded' \\\n  --data-urlencode 'grant_type=client_credentials' \\\n${aud}  --data-urlencode 'client_id=${clientId}' \\\n  --data-urlencode 'client_secret=<CLIENT_SECRET>'`,
    node: `// Node.js 18+\nconst res = await fetch('${endpoint}', {\n  method: 'POST',\n  headers: { 'content-type': 'application/json' },\n  body: JSON.stringify({\n    grant_type: 'client_credentials',\n${audience ? `    audience: '${audience}',\n` : ''}    client_id: '${clientId}',\n    client_secret: '<CLIENT_SECRET>',\n  }),\n});\nif (!res.ok) throw new Error(await res.text());\nconst { access_token, expires_in } = await res.json();`,
    python: `import requests\n\nresp = requests.post(\n    '${endpoint}',\n    json={\n        'grant_type': 'client_credentials',\n${audience ? `        'audience': '${audience}',\n` : ''}        'client_id': '${clientId}',\n        'client_secret': '<CLIENT_SECRET>',\n    },\n)\nresp.raise_for_status()\nprint(resp.json()['access_token'])`,
  };
}

function keySnippets({
  issuer,
  tokenEndpoint: endpoint,
  clientId,
  audience,
}: SnippetTarget): Record<SnippetLanguage, string> {
  // A one-liner signing the assertion (PyJWT with cryptography): iss = sub = client_id, aud = the issuer, 60 s, fresh jti.
  const sign = `python3 -c "import jwt, time, uuid; now = int(time.time()); print(jwt.encode({'iss': '${clientId}', 'sub': '${clientId}', 'aud': '${issuer}', 'iat': now, 'exp': now + 60, 'jti': str(uuid.uuid4())}, open('private-key.pem').read(), algorithm='ES256', headers={'kid': '<KEY_ID>'}))"`;
  return {
    curl: `# A client assertion signed with the integration's private key (pip install pyjwt cryptography)\nASSERTION=$(${sign})\n\ncurl -X POST '${endpoint}' \\\n  --header 'content-type: application/x-www-form-urlencoded' \\\n  --data-urlencode 'grant_type=client_credentials' \\\n${audience ? `  --data-urlencode 'audience=${audience}' \\\n` : ''}  --data-urlencode 'client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer' \\\n  --data-urlencode "client_assertion=$ASSERTION"`,
    node: `// npm install @gatehouse/client — a fresh assertion per token request; tokens reused until shortly before expiry\nimport { readFile } from 'node:fs/promises';\nimport { createTokenSource } from '@gatehouse/client';\n\nconst source = createTokenSource({\n  issuer: '${issuer}',\n  clientId: '${clientId}',\n  privateKey: await readFile('private-key.pem', 'utf8'), // PKCS#8 PEM or a private JWK\n  kid: '<KEY_ID>',\n  alg: 'ES256',\n${audience ? `  audience: '${audience}',\n` : ''}});\nconst accessToken = await source.getToken();`,
    python: `# pip install authlib requests\nfrom authlib.integrations.requests_client import OAuth2Session\nfrom authlib.oauth2.rfc7523 import PrivateKeyJWT\n\ntoken_endpoint = '${endpoint}'\nsession = OAuth2Session(\n    '${clientId}',\n    open('private-key.pem').read(),\n    token_endpoint_auth_method='private_key_jwt',\n)\nsession.register_client_auth_method(\n    PrivateKeyJWT(token_endpoint, alg='ES256', headers={'kid': '<KEY_ID>'})\n)\ntoken = session.fetch_token(\n    token_endpoint,\n    grant_type='client_credentials',\n${audience ? `    audience='${audience}',\n` : ''})\nprint(token['access_token'])`,
  };
}
