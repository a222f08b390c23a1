/**
 * The one breadcrumb trail of every page below the environments list:
 * "Environments › {environment name} › {page}". The environment is always shown by its NAME (the
 * slug is in the URL and under the title); a page that has no environment loaded yet fetches it.
 * @packageDocumentation
 */
import { Breadcrumbs, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { seg, useApi } from '../api/client';
import { keys } from '../api/queries';
import type { Environment } from '../api/types';
import { Link } from './link';

/**
 * Props: `env` is the environment's slug; `envName` its name when the page already has it (no
 * extra request; `null` while the page is still loading it); `current` names the page itself (an integration, a customer…), absent on the
 * environment's own page.
 */
export function PageBreadcrumbs({
  env,
  envName,
  current,
}: {
  env: string;
  envName?: string | null | undefined;
  current?: string | undefined;
}) {
  const { api } = useApi();
  // The environment's own query: a page that shows the environment reads the same one.
  const fetched = useQuery({
    queryKey: keys.environment(env),
    queryFn: () => api<Environment>('GET', `/environments/${seg(env)}`),
    enabled: envName === undefined,
  });
  const name = envName ?? fetched.data?.name;
  // Until the name is known, a neutral placeholder: never the slug, which would then change
  // (the slug only when the environment can't be loaded at all).
  const label = name ?? (fetched.error ? env : '…');
  const here = (text: string) => (
    <Text component="span" size="sm" aria-current="page">
      {text}
    </Text>
  );
  return (
    <nav aria-label="Breadcrumb">
      <Breadcrumbs mb="xs" separatorMargin={6} style={{ flexWrap: 'wrap', rowGap: 2 }}>
        <Link to="/">Environments</Link>
        {current === undefined ? here(label) : <Link to={`/environments/${seg(env)}/integrations`}>{label}</Link>}
        {current !== undefined && here(current)}
      </Breadcrumbs>
    </nav>
  );
}
