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
  PendingInvitation,
  SecretRotated,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookEndpointWithSecret,
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
  /** How the session was opened. */
  auth_method?: 'password' | 'password+totp' | 'sso';
  /** The factors the session was opened with (RFC 8176): `pwd`, `sso`, `otp`. */
  amr?: string[];
}

/** The password step's answer when the account has TOTP: send a code with the challenge. */
export interface SecondFactorNeeded {
  second_factor: 'totp';
  challenge: string;
}

/** Sign-in methods the server offers. */
export interface SignInOptions {
  password: boolean;
  sso: { name: string } | null;
}

/** The signed-in account (`GET /api/v1/profile`). */
export interface Profile {
  id: string;
  email: string;
  auth_method: string;
  /** The account has a password: setting up or turning off TOTP asks for it. */
  has_password: boolean;
  totp: { enabled: boolean; recovery_codes_left: number };
  /** This password session must set up TOTP first (server-wide, or by `totp_required_environments`). */
  totp_required: boolean;
  /** Slugs of the account's environments that require TOTP. */
  totp_required_environments: string[];
  /** TOTP is on and not required of the account, so it may be turned off. */
  totp_can_turn_off: boolean;
}

/** `POST /api/v1/invitations/preview`: what an invitation is for, before accepting it. */
export interface InvitationPreview {
  email: string;
  role: string;
  environment: { slug: string; name: string };
  /** ISO 8601. */
  expires_at: string;
  /** An account of the email exists: accepting asks for its password. */
  account_exists: boolean;
}
