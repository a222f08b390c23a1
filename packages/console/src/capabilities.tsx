/**
 * What the signed-in account may do, as the server says (`GET /api/v1/environments/{env}/capabilities`
 * and `GET /api/v1/me`), so the console hides or disables every action the role may not take —
 * no dead buttons. The server decides on every request anyway; this only shapes the screens.
 * @packageDocumentation
 */
import { createContext, useContext, type ReactNode } from 'react';
import { Alert } from '@mantine/core';
import { IconLock } from '@tabler/icons-react';
import { seg } from './api/client';
import { keys, useApiQuery, type ApiQuery } from './api/queries';

/** `GET /api/v1/environments/{env}/capabilities`. */
export interface Capabilities {
  operator: boolean;
  role: 'owner' | 'admin' | 'developer' | 'viewer' | null;
  capabilities: string[];
  /** The Environment API scopes the caller may grant; null: no limit (the server's policy decides). */
  grantable_scopes: string[] | null;
}

/** `GET /api/v1/me`. */
export interface Me {
  email: string;
  operator: boolean;
  memberships: { environment: string; role: string }[];
}

const CapabilitiesContext = createContext<Capabilities | undefined>(undefined);

/** Loads the caller's capabilities in `env`. */
export function useCapabilities(env: string): ApiQuery<Capabilities> {
  return useApiQuery(keys.capabilities(env), `/environments/${seg(env)}/capabilities`);
}

/** Loads the signed-in account. */
export function useMe(): ApiQuery<Me> {
  return useApiQuery(keys.me, '/me');
}

/** Makes `value` the capabilities of the screens below. */
export function CapabilitiesProvider({ value, children }: { value: Capabilities; children: ReactNode }) {
  return <CapabilitiesContext.Provider value={value}>{children}</CapabilitiesContext.Provider>;
}

/**
 * Whether the caller may `capability` in the current environment. Outside a provider (pages of no
 * environment) nothing is allowed.
 */
export function useCan(capability: string): boolean {
  const caps = useContext(CapabilitiesContext);
  return !!caps && (caps.operator || caps.capabilities.includes(capability));
}

/** The Environment API scopes the caller may grant here (null: no limit; [] outside an environment). */
export function useGrantableScopes(): string[] | null {
  const caps = useContext(CapabilitiesContext);
  return caps ? caps.grantable_scopes : [];
}

/** The caller's role in the current environment (null for an operator, undefined outside one). */
export function useRole(): Capabilities['role'] | undefined {
  return useContext(CapabilitiesContext)?.role;
}

/**
 * The "Read only: your role can't change {what}" note shown above a screen the caller can only read;
 * `reason`, when the server gave one (an action's `reason`), says why instead of the role.
 */
export function ReadOnlyNote({ what, reason }: { what: string; reason?: string | null | undefined }) {
  const role = useRole();
  return (
    <Alert
      color="gray"
      variant="light"
      icon={<IconLock aria-hidden />}
      mb="md"
      role="note"
      data-testid="read-only-note"
    >
      {reason && !/^your role/i.test(reason) ? (
        <>Read only: {reason}.</>
      ) : (
        <>
          Read only: your role{role ? ` (${role})` : ''} can't change {what}. Ask an owner of this environment.
        </>
      )}
    </Alert>
  );
}

/**
 * Shows `children` as they are when `allowed`; otherwise says why (the server's `reason`, else the
 * role) and disables every control inside (a disabled fieldset), so nothing can be clicked in vain.
 */
export function RequireAllowed({
  allowed,
  reason,
  what,
  children,
}: {
  allowed: boolean;
  reason?: string | null | undefined;
  what: string;
  children: ReactNode;
}) {
  if (allowed) return <>{children}</>;
  return (
    <>
      <ReadOnlyNote what={what} reason={reason} />
      <fieldset disabled className="gh-read-only" style={{ border: 0, padding: 0, margin: 0, minWidth: 0 }}>
        {children}
      </fieldset>
    </>
  );
}

/** {@link RequireAllowed} by a capability of the caller's role in the current environment. */
export function RequireCapability({
  capability,
  what,
  children,
}: {
  capability: string;
  what: string;
  children: ReactNode;
}) {
  return (
    <RequireAllowed allowed={useCan(capability)} what={what}>
      {children}
    </RequireAllowed>
  );
}
