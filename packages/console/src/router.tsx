/**
 * A tiny history router for the console's three kinds of page, under the `/console/` base:
 * `/`, `/environments/{env}[?tab=…]`, `/environments/{env}/integrations/{client_id}[?tab=…]`.
 * @packageDocumentation
 */
import { useSyncExternalStore, type MouseEvent, type ReactNode } from 'react';
import { Anchor } from '@mantine/core';

const BASE = '/console';

/** Where the console is. */
export type Route =
  | { page: 'environments' }
  | { page: 'environment'; env: string; tab: string | null }
  | { page: 'integration'; env: string; clientId: string; tab: string | null }
  | { page: 'profile' }
  | { page: 'invitation'; token: string };

const listeners = new Set<() => void>();
function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

/** Parses a location into a route. */
export function parseRoute(pathname: string, search: string): Route {
  const parts = pathname
    .replace(/^\/console/, '')
    .split('/')
    .filter(Boolean)
    .map(decodeURIComponent);
  const tab = new URLSearchParams(search).get('tab');
  if (parts[0] === 'invitations' && parts[1]) return { page: 'invitation', token: parts[1] };
  if (parts[0] === 'environments' && parts[1] && parts[2] === 'integrations' && parts[3])
    return { page: 'integration', env: parts[1], clientId: parts[3], tab };
  if (parts[0] === 'environments' && parts[1]) return { page: 'environment', env: parts[1], tab };
  if (parts[0] === 'profile') return { page: 'profile' };
  return { page: 'environments' };
}

/** The path of a route (without the base). */
export function pathOf(route: Route): string {
  const q = (tab: string | null) => (tab ? `?tab=${encodeURIComponent(tab)}` : '');
  if (route.page === 'environment') return `/environments/${encodeURIComponent(route.env)}${q(route.tab)}`;
  if (route.page === 'integration')
    return `/environments/${encodeURIComponent(route.env)}/integrations/${encodeURIComponent(route.clientId)}${q(route.tab)}`;
  if (route.page === 'profile') return '/profile';
  if (route.page === 'invitation') return `/invitations/${encodeURIComponent(route.token)}`;
  return '/';
}

/** Goes to `path` (relative to the base); `replace` keeps the history entry. */
export function navigate(path: string, replace = false): void {
  const url = BASE + (path === '/' ? '/' : path);
  if (replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  for (const l of listeners) l();
  if (!replace) window.scrollTo(0, 0);
}

/** The current route; re-renders on navigation. */
export function useRoute(): Route {
  const href = useSyncExternalStore(subscribe, () => window.location.pathname + window.location.search);
  const url = new URL(href, window.location.origin);
  return parseRoute(url.pathname, url.search);
}

/** A link inside the console (a real `<a href>`, so it opens in a new tab too); `plain` keeps the text colour. */
export function Link({ to, children, plain = false }: { to: string; children: ReactNode; plain?: boolean }) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return (
    <Anchor href={BASE + to} onClick={onClick} {...(plain && { c: 'inherit', underline: 'never' as const })}>
      {children}
    </Anchor>
  );
}
