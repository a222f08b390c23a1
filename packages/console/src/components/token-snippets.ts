/** The token request of an integration in curl, Node and Python (secret as `<CLIENT_SECRET>`). */

/**
 * The snippets, by language: a `client_credentials` request to `endpoint` for `clientId` (and the
 * Environment API `audience`, when given). The secret is never filled in.
 */
export function snippets(
  endpoint: string,
  clientId: string,
  audience?: string,
): Record<'curl' | 'node' | 'python', string> {
  const aud = audience ? `  --data-urlencode 'audience=${audience}' \\\n` : '';
  return {
    curl: `curl -X POST '${endpoint}' \\\n  --header 'content-type: application/x-www-form-urlencoded' \\\n  --data-urlencode 'grant_type=client_credentials' \\\n${aud}  --data-urlencode 'client_id=${clientId}' \\\n  --data-urlencode 'client_secret=<CLIENT_SECRET>'`,
    node: `// Node.js 18+\nconst res = await fetch('${endpoint}', {\n  method: 'POST',\n  headers: { 'content-type': 'application/json' },\n  body: JSON.stringify({\n    grant_type: 'client_credentials',\n${audience ? `    audience: '${audience}',\n` : ''}    client_id: '${clientId}',\n    client_secret: '<CLIENT_SECRET>',\n  }),\n});\nif (!res.ok) throw new Error(await res.text());\nconst { access_token, expires_in } = await res.json();`,
    python: `import requests\n\nresp = requests.post(\n    '${endpoint}',\n    json={\n        'grant_type': 'client_credentials',\n${audience ? `        'audience': '${audience}',\n` : ''}        'client_id': '${clientId}',\n        'client_secret': '<CLIENT_SECRET>',\n    },\n)\nresp.raise_for_status()\nprint(resp.json()['access_token'])`,
  };
}
