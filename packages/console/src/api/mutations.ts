/**
 * Changes through TanStack Query's `useMutation`: each hook calls the API and, on success,
 * invalidates the queries of exactly what it changed (keys from queries.ts).
 * @packageDocumentation
 */
import { useMutation, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { seg, useApi, type Method } from './client';
import { keys } from './queries';
import type { Integration, IntegrationUpdate } from './types';

/**
 * A mutation calling `method path` with the variables as JSON body (none for `DELETE`, whose
 * variables only name the path), invalidating `invalidate` (each key a prefix) on success. `T` is
 * the answer, `V` the variables.
 */
export function useApiMutation<T, V = unknown>(
  method: Method,
  path: string | ((v: V) => string),
  invalidate: QueryKey[],
) {
  const { api } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (v: V) =>
      api<T>(method, typeof path === 'function' ? path(v) : path, method === 'DELETE' ? undefined : v),
    onSuccess: () => Promise.all(invalidate.map((queryKey) => queryClient.invalidateQueries({ queryKey }))),
  });
}

/**
 * `PATCH` of one integration: the answer replaces the integration's query, and the lists that
 * show it read again.
 */
export function useUpdateIntegration(env: string, clientId: string) {
  const { api } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: IntegrationUpdate) =>
      api<Integration>('PATCH', `/environments/${seg(env)}/integrations/${seg(clientId)}`, body),
    onSuccess: (updated) => {
      queryClient.setQueryData(keys.integration(env, clientId), updated);
      return queryClient.invalidateQueries({ queryKey: keys.integrationLists(env) });
    },
  });
}
