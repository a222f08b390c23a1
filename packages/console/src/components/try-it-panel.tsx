/**
 * "Try it": the token request for this integration in curl, Node and Python, with its client ID
 * filled in and the secret as `<CLIENT_SECRET>`; the token endpoint comes from the server's
 * RFC 8414 metadata.
 */
import { Code, Group, Stack, Tabs, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { keys, view } from '../api/queries';
import { CopyField, CopyIconButton } from './copy-field';
import { ErrorState, Loading } from './states';
import { snippets } from './token-snippets';

async function tokenEndpoint(): Promise<string> {
  const res = await fetch('/.well-known/oauth-authorization-server', { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`metadata answered ${res.status}`);
  return String(((await res.json()) as { token_endpoint: string }).token_endpoint);
}

/** The panel. */
export function TryItPanel({ clientId, audience }: { clientId: string; audience?: string | undefined }) {
  const endpoint = view(useQuery({ queryKey: keys.tokenEndpoint, queryFn: tokenEndpoint, staleTime: Infinity }));
  if (endpoint.loading && !endpoint.data) return <Loading label="Loading the token endpoint" />;
  if (endpoint.error !== undefined) return <ErrorState error={endpoint.error} onRetry={endpoint.reload} />;
  const code = snippets(endpoint.data!, clientId, audience);
  return (
    <Stack>
      <Text size="sm">
        Request an access token with this integration's credentials. Replace <code>&lt;CLIENT_SECRET&gt;</code> with its
        secret, and keep tokens with write scopes off front ends. The answer is reused until shortly before it expires:
        request again when <code>expires_in</code> runs out.
      </Text>
      <CopyField label="Token endpoint" value={endpoint.data!} />
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
