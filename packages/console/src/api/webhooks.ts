/**
 * The webhook calls of one environment (`/api/v1/environments/{env}/webhooks…`, see the webhooks
 * design, "Management API"): the endpoint list, and one `useMutation` per change, each reading
 * again exactly what it changed (the list; a delivery log after a test or a redelivery).
 * @packageDocumentation
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { seg, useApi } from './client';
import { keys, useApiQuery, type ApiQuery } from './queries';
import type { WebhookDelivery, WebhookEndpoint, WebhookEndpointWithSecret } from './types';

/** Body of creating an endpoint (`events` defaults to `["*"]`, `enabled` to true on the server). */
export interface EndpointInput {
  url: string;
  events: string[];
  enabled: boolean;
}

/** The path of `env`'s endpoints, or of one of them. */
export function webhooksPath(env: string, id?: string): string {
  return `/environments/${seg(env)}/webhooks${id === undefined ? '' : `/${seg(id)}`}`;
}

/** `GET …/webhooks`. */
export function useWebhookEndpoints(env: string): ApiQuery<{ items: WebhookEndpoint[] }> {
  return useApiQuery(keys.webhooks(env), webhooksPath(env));
}

/**
 * The changes of `env`'s endpoints. `create` and `rotate` answer the secret (shown once);
 * `test` and `redeliver` answer the delivery (202) and read the endpoint's log again.
 */
export function useWebhookMutations(env: string) {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const listChanged = () => queryClient.invalidateQueries({ queryKey: keys.webhooks(env) });
  const logChanged = (id: string) => queryClient.invalidateQueries({ queryKey: keys.webhookDeliveries(env, id) });
  return {
    create: useMutation({
      mutationFn: (body: EndpointInput) => api<WebhookEndpointWithSecret>('POST', webhooksPath(env), body),
      onSuccess: listChanged,
    }),
    update: useMutation({
      mutationFn: ({ id, patch }: { id: string; patch: Partial<EndpointInput> }) =>
        api<WebhookEndpoint>('PATCH', webhooksPath(env, id), patch),
      // Refused too (another tab may have removed it): the list reads again.
      onSettled: listChanged,
    }),
    remove: useMutation({
      mutationFn: (id: string) => api<void>('DELETE', webhooksPath(env, id)),
      onSettled: listChanged,
    }),
    rotate: useMutation({
      mutationFn: ({ id, grace_seconds }: { id: string; grace_seconds: number }) =>
        api<WebhookEndpointWithSecret>('POST', `${webhooksPath(env, id)}/rotate-secret`, { grace_seconds }),
      onSuccess: listChanged,
    }),
    test: useMutation({
      mutationFn: (id: string) => api<WebhookDelivery>('POST', `${webhooksPath(env, id)}/test`),
      onSuccess: (_, id) => logChanged(id),
    }),
    redeliver: useMutation({
      mutationFn: ({ id, delivery }: { id: string; delivery: string }) =>
        api<WebhookDelivery>('POST', `${webhooksPath(env, id)}/deliveries/${seg(delivery)}/redeliver`),
      onSettled: (_, __, { id }) => logChanged(id),
    }),
  };
}

/** What {@link useWebhookMutations} returns. */
export type WebhookMutations = ReturnType<typeof useWebhookMutations>;
