/**
 * Server state: the query key of every resource the console reads, and {@link useApiQuery}, the one
 * way a screen reads one (TanStack Query: cached, deduplicated, refetched on window focus). A change
 * invalidates the keys of exactly what it changed. Keys name the resource the way its URL does:
 * `['environments', slug, 'integrations', clientId]`; a list is keyed by its filter object, so
 * `['environments', {}]` matches every list of environments and never one environment.
 * @packageDocumentation
 */
import { useQuery, type QueryKey } from '@tanstack/react-query';
import { useApi } from './client';

/** The query keys. */
export const keys = {
  session: ['session'] as const,
  signInOptions: ['sign-in-options'] as const,
  me: ['me'] as const,
  profile: ['profile'] as const,
  /** Matches every list of environments (not one environment: a slug is not an object). */
  environmentLists: ['environments', {}] as const,
  environmentList: (limit: number) => ['environments', { limit }] as const,
  environment: (env: string) => ['environments', env] as const,
  capabilities: (env: string) => ['environments', env, 'capabilities'] as const,
  /** Matches every list of integrations of `env` (not one integration: a client ID is not an object). */
  integrationLists: (env: string) => ['environments', env, 'integrations', {}] as const,
  integrationList: (env: string, q: string) => ['environments', env, 'integrations', { q }] as const,
  /** The names of `env`'s integrations by client ID (the audit log shows them beside client IDs). */
  integrationNames: (env: string) => ['environments', env, 'integrations', { names: true }] as const,
  integration: (env: string, clientId: string) => ['environments', env, 'integrations', clientId] as const,
  clientKeys: (env: string, clientId: string) => ['environments', env, 'integrations', clientId, 'keys'] as const,
  apis: (env: string) => ['environments', env, 'apis'] as const,
  customers: (env: string) => ['environments', env, 'customers'] as const,
  credentials: (env: string) => ['environments', env, 'credentials'] as const,
  members: (env: string) => ['environments', env, 'members'] as const,
  invitations: (env: string) => ['environments', env, 'invitations'] as const,
  /** An audit log: an environment's, or (no `env`) the server-wide one; `query` is its filter. */
  audit: (env: string | undefined, query: string) =>
    env === undefined ? (['audit', query] as const) : (['environments', env, 'audit', query] as const),
  /** `env`'s webhook endpoints (a prefix of each endpoint's delivery log). */
  webhooks: (env: string) => ['environments', env, 'webhooks'] as const,
  webhookDeliveries: (env: string, id: string) => ['environments', env, 'webhooks', id, 'deliveries'] as const,
  tokenEndpoint: ['token-endpoint'] as const,
};

/** A resource being read: `{data, error, loading, reload}` (error undefined when there is none). */
export interface ApiQuery<T> {
  data: T | undefined;
  error: unknown;
  /** True until the first answer (later refetches keep showing the data). */
  loading: boolean;
  /** Reads it again. */
  reload: () => void;
}

/** Reads `GET /api/v1{path}` under `key`. */
export function useApiQuery<T>(key: QueryKey, path: string): ApiQuery<T> {
  const { api } = useApi();
  return view(useQuery({ queryKey: key, queryFn: () => api<T>('GET', path) }));
}

/** The {@link ApiQuery} view of a TanStack query result. */
export function view<T>(q: {
  data: T | undefined;
  error: unknown;
  isPending: boolean;
  refetch: () => Promise<unknown>;
}): ApiQuery<T> {
  return {
    data: q.data,
    error: q.error ?? undefined,
    loading: q.isPending,
    reload: () => void q.refetch(),
  };
}
