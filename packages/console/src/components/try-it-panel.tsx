/**
 * "Try it": the token request for this integration in curl, Node and Python, with its client ID
 * filled in and the secret as `<CLIENT_SECRET>` — or, for a key-only integration, a
 * `private_key_jwt` client assertion signed with its key; the issuer and token endpoint come from
 * the server's RFC 8414 metadata.
 */
import { Code, Group, Stack, Tabs, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { keys, view } from '../api/queries';
import { CopyField, CopyIconButton } from './copy-field';
import { ErrorState, Loading } from './states';
import { snippets } from './token-snippets';

interface Metadata {
  issuer: string;
  token_endpoint: string;
}

async function metadata(): Promise<Metadata> {
  const res = await fetch('/.well-known/oauth-authorization-server', { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`metadata answered ${res.status}`);
  const m = (await res.json()) as Metadata;
  return { issuer: String(m.issuer), token_endpoint: String(m.token_endpoint) };
}

/** The panel. */
export function TryItPanel({
  clientId,
  audience,
  keyOnly,
}: {
  clientId: string;
  audience?: string | undefined;
  /** `private_key_jwt`: it has no secret, only keys. */
  keyOnly: boolean;
}) {
  const endpoint = view(useQuery({ queryKey: keys.tokenEndpoint, queryFn: metadata, staleTime: Infinity }));
  if (endpoint.loading && !endpoint.data) return <Loading label="Loading the token endpoint" />;
  if (endpoint.error !== undefined) return <ErrorState error={endpoint.error} onRetry={endpoint.reload} />;
  const { issuer, token_endpoint: tokenEndpoint } = endpoint.data!;
  const code = snippets({ issuer, tokenEndpoint, clientId, audience, keyOnly });
  return (
    <Stack>
      {keyOnly ? (
        <Text size="sm" data-testid="try-it-intro">
          This integration authenticates with a key (<code>private_key_jwt</code>): each token request carries a short
          JWT signed with its private key. Replace <code>private-key.pem</code> with the private key of a registered
          public key and <code>&lt;KEY_ID&gt;</code> with that key's <code>kid</code>. Keep tokens with write scopes off
          front ends; request again when <code>expires_in</code> runs out.
        </Text>
      ) : (
        <Text size="sm" data-testid="try-it-intro">
          Request an access token with this integration's credentials. Replace <code>&lt;CLIENT_SECRET&gt;</code> with
          its secret, and keep tokens with write scopes off front ends. The answer is reused until shortly before it
          expires: request again when <code>expires_in</code> runs out.
        </Text>
      )}
      <CopyField label="Token endpoint" value={tokenEndpoint} />
      {keyOnly && <CopyField label="Assertion audience (issuer)" value={issuer} />}
      <Tabs defaultValue="curl" variant="outline">
        <Tabs.List>
          <Tabs.Tab value="curl">curl</Tabs.Tab>
          <Tabs.Tab value="node">Node</Tabs.Tab>
          <Tabs.Tab value="python">Python</Tabs.Tab>
        </Tabs.List>
        {(['curl', 'node', 'python'] as const).map((lang) => (
          <Tabs.Panel key={lang} value={lang} pt="sm">
            <Group align="flex-start" gap="xs" wrap="nowrap">
              <Code block className="gh-snippet" aria-label={`${lang} snippet`} style={{ flex: 1, minWidth: 0 }}>
                {code[lang]}
              </Code>
              <CopyIconButton label={`${lang} snippet`} value={code[lang]} />
            </Group>
          </Tabs.Panel>
        ))}
      </Tabs>
    </Stack>
  );
}
