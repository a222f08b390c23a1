/** Wire types of the management API, from the shared contracts (types only: nothing is bundled). */
export type {
  Api,
  AuditEvent,
  ClientKey,
  Customer,
  Environment,
  EnvironmentUpdate,
  Grant,
  Integration,
  IntegrationCreate,
  IntegrationCreated,
  IntegrationUpdate,
  Jwk,
  SecretRotated,
} from '@gatehouse/contracts';

/** A page of a list: `{items, next_cursor}`. */
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/** `GET/POST /api/v1/session`. */
export interface SessionInfo {
  email: string;
  csrf_token: string;
}
