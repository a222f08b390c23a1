/**
 * Server configuration: read once from options and environment variables, validated, frozen.
 * @packageDocumentation
 */
import { join, resolve } from 'node:path';
import {
  masterKeyPath,
  parseMasterKey,
  readMasterKeyFile,
  type MasterKeys,
  type StorePlace,
} from './master-key-source.js';

/** Validated, frozen configuration of one Gatehouse process. */
export interface Config {
  /** Interface to listen on (`GATEHOUSE_HOST`, default 127.0.0.1). */
  readonly host: string;
  /** TCP port (`GATEHOUSE_PORT`, default 4000; 0 picks a free one). */
  readonly port: number;
  /** `iss` of every token and base of the metadata (`GATEHOUSE_ISSUER`, default `http://HOST:PORT`). */
  readonly issuer: string;
  /** Audience of the built-in Environment API (`GATEHOUSE_AUDIENCE`, default the issuer). */
  readonly audience: string;
  /** Embedded store directory (`GATEHOUSE_DATA_DIR`, default `./data`). */
  readonly dataDir: string;
  /** PostgreSQL URL (`DATABASE_URL`); absent means the embedded SQLite store. */
  readonly databaseUrl: string | undefined;
  /** PostgreSQL schema (tests use one per run). */
  readonly pgSchema: string | undefined;
  /**
   * The master keys found (`GATEHOUSE_MASTER_KEY`, base64 of 32 bytes; for the embedded store also
   * `<dataDir>/master.key`). The store decides which is right when it is opened (`unlockStore`):
   * two different keys are refused, and a key is generated only for a new, empty embedded store.
   */
  readonly masterKeys: MasterKeys;
  /** pino level (`GATEHOUSE_LOG_LEVEL`, default info). */
  readonly logLevel: string;
  /** Clock skew tolerated on `exp`/`nbf`/`iat`, seconds (default 30). */
  readonly clockSkew: number;
  /**
   * Longest lifetime of a `private_key_jwt` client assertion, seconds (`GATEHOUSE_ASSERTION_MAX_LIFETIME`,
   * default 3600, 60 to 86400): its `exp` may be at most this far ahead (plus the skew). 3600 is what
   * authlib and other clients sign by default (`exp = iat + 3600`). Its `jti` is kept until `exp`.
   */
  readonly assertionMaxLifetime: number;
  /**
   * Longest lifetime (`exp − iat`) of a platform token presented for a federated credential, seconds
   * (`GATEHOUSE_FEDERATED_MAX_LIFETIME`, default 86400, 60 to 604800). Kubernetes' projected tokens
   * live 1 h by default, GitHub Actions' a few minutes.
   */
  readonly federatedMaxLifetime: number;
  /** How often the change feed is polled, milliseconds (default 250; changes are honoured within 1 s). */
  readonly changePollMs: number;
  /** `Cache-Control: max-age` of the JWKS, seconds (default 300). A rotated key signs only after it. */
  readonly jwksMaxAge: number;
  /** Longest time a request (headers and body) may take, milliseconds (default 10000; slowloris guard). */
  readonly requestTimeoutMs: number;
  /** Origins allowed to call the Environment API from browsers (`GATEHOUSE_CORS_ORIGINS`, comma-separated; none by default). OAuth endpoints never answer CORS. */
  readonly corsOrigins: readonly string[];
  /** Days audit events are kept (`GATEHOUSE_AUDIT_RETENTION_DAYS`, default 90). */
  readonly auditRetentionDays: number;
  /** Redis URL (`GATEHOUSE_REDIS_URL`, `redis://` or `rediss://`) for throttling windows shared by every node; absent means they are shared through the store. */
  readonly redisUrl: string | undefined;
  /** Prefix of Gatehouse's Redis keys (`GATEHOUSE_REDIS_PREFIX`, default `gatehouse:throttle:`). */
  readonly redisPrefix: string;
  /**
   * Bearer token Prometheus sends to `/metrics` (`GATEHOUSE_METRICS_TOKEN`, 16 to 1024 characters;
   * compared in constant time). Without it `/metrics` on the public listener answers 401 (H-84).
   */
  readonly metricsToken: string | undefined;
  /** Port of a separate listener serving only `/metrics` (`GATEHOUSE_METRICS_PORT`; absent: none; 0 picks a free one). */
  readonly metricsPort: number | undefined;
  /** Interface of the metrics listener (`GATEHOUSE_METRICS_HOST`, default 127.0.0.1). */
  readonly metricsHost: string;
  /**
   * Hosts (`host` or `host:port`) whose `jwks_uri` may use plain http and resolve to private or
   * loopback addresses (`GATEHOUSE_JWKS_URI_ALLOWED_HOSTS`, comma-separated; none by default: for
   * development only). Every other `jwks_uri` must be https on a public address.
   */
  readonly jwksUriAllowedHosts: readonly string[];
  /**
   * Hosts (`host` or `host:port`) a webhook endpoint may reach over plain http and on private or
   * loopback addresses (`GATEHOUSE_WEBHOOK_ALLOWED_HOSTS`, comma-separated; none by default). Every
   * other endpoint URL must be https on a public address, checked at registration and on the
   * connection of every delivery (docs/security.md N-120).
   */
  readonly webhookAllowedHosts: readonly string[];
  /**
   * First retry delay of a failed webhook delivery, milliseconds (`GATEHOUSE_WEBHOOK_RETRY_BASE_MS`,
   * default 5000, 10 to 3600000): the n-th retry waits base·2^(n−1), plus up to 25 % jitter, at most 1 h.
   */
  readonly webhookRetryBaseMs: number;
  /** How often the webhook worker looks for due deliveries, milliseconds (`GATEHOUSE_WEBHOOK_POLL_MS`, default 1000, 10 to 60000). */
  readonly webhookPollMs: number;
  /**
   * Most webhook deliveries in flight on one node (`GATEHOUSE_WEBHOOK_CONCURRENCY`, default 8, 0 to 64);
   * 0: this node sends none (the other nodes of the store do).
   */
  readonly webhookConcurrency: number;
  /** Console single sign-on with an OpenID Connect provider; absent when `GATEHOUSE_SSO_ISSUER` is unset. */
  readonly sso: SsoConfig | undefined;
  /** Whether the console accepts email + password sign-in (`GATEHOUSE_PASSWORD_SIGNIN`, `on` (default) or `off`; `off` needs SSO). */
  readonly passwordSignIn: boolean;
  /** Every password account must enrol TOTP before it may act (`GATEHOUSE_REQUIRE_TOTP`, `on` or `off` (default)). */
  readonly requireTotp: boolean;
  /** How long an invitation link works, seconds (`GATEHOUSE_INVITATION_TTL`, default 7 days, 5 minutes to 90 days). */
  readonly invitationTtl: number;
}

/** Console single sign-on (authorization code + PKCE S256 with an OpenID Connect provider). */
export interface SsoConfig {
  /** The provider's issuer (`GATEHOUSE_SSO_ISSUER`); its discovery document is `<issuer>/.well-known/openid-configuration`. */
  readonly issuer: string;
  /** Gatehouse's client id at the provider (`GATEHOUSE_SSO_CLIENT_ID`, required with the issuer). */
  readonly clientId: string;
  /** Client secret (`GATEHOUSE_SSO_CLIENT_SECRET`; absent: a public client, PKCE only). */
  readonly clientSecret: string | undefined;
  /** Email domains that may sign in (`GATEHOUSE_SSO_ALLOWED_DOMAINS`, comma-separated, lower case; empty: any domain). */
  readonly allowedDomains: readonly string[];
  /** Where the provider sends the browser back (`GATEHOUSE_SSO_REDIRECT_URI`, default `<issuer of Gatehouse>/api/v1/session/sso/callback`); register it at the provider. */
  readonly redirectUri: string;
  /** Label of the console's button (`GATEHOUSE_SSO_NAME`, default `SSO`). */
  readonly name: string;
  /** Allow an http issuer (`GATEHOUSE_SSO_ALLOW_HTTP=on`; for development and tests only). */
  readonly allowHttp: boolean;
}

/** Options that override environment variables (CLI flags). */
export type ConfigInput = Partial<{
  host: string;
  port: number;
  issuer: string;
  audience: string;
  dataDir: string;
  databaseUrl: string;
  pgSchema: string;
  masterKey: string;
  logLevel: string;
  clockSkew: number;
  assertionMaxLifetime: number;
  federatedMaxLifetime: number;
  changePollMs: number;
  jwksMaxAge: number;
  requestTimeoutMs: number;
  corsOrigins: string[];
  auditRetentionDays: number;
  redisUrl: string;
  redisPrefix: string;
  metricsToken: string;
  metricsPort: number;
  metricsHost: string;
  jwksUriAllowedHosts: string[];
  webhookAllowedHosts: string[];
  webhookRetryBaseMs: number;
  webhookPollMs: number;
  webhookConcurrency: number;
  sso: Partial<Omit<SsoConfig, 'allowedDomains'>> & { allowedDomains?: string[] };
  passwordSignIn: boolean;
  requireTotp: boolean;
  invitationTtl: number;
}>;

/**
 * Builds the configuration from `input` (flags) over `env` (environment variables).
 * @throws Error naming the option when a value is invalid, or when PostgreSQL is used without a master key.
 */
export function loadConfig(input: ConfigInput = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const host = input.host ?? env.GATEHOUSE_HOST ?? '127.0.0.1';
  const port = int('port', input.port ?? env.GATEHOUSE_PORT, 4000, 0, 65535);
  const issuer = trimSlash(
    input.issuer ?? env.GATEHOUSE_ISSUER ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
  );
  const audience = input.audience ?? env.GATEHOUSE_AUDIENCE ?? issuer;
  const dataDir = resolve(input.dataDir ?? env.GATEHOUSE_DATA_DIR ?? join(process.cwd(), 'data'));
  const databaseUrl = input.databaseUrl ?? (env.DATABASE_URL || undefined);
  const keyText = input.masterKey ?? (env.GATEHOUSE_MASTER_KEY || undefined);
  if (!keyText && databaseUrl)
    throw new Error(
      'GATEHOUSE_MASTER_KEY (base64, 32 bytes) is required with PostgreSQL: every node must share it; make one with `openssl rand -base64 32`',
    );
  for (const [name, value] of [
    ['issuer', issuer],
    ['audience', audience],
  ] as const) {
    if (!URL.canParse(value)) throw new Error(`${name} must be an absolute URL, got ${JSON.stringify(value)}`);
  }
  const keyOrigin =
    input.masterKey !== undefined ? 'the masterKey option' : 'the GATEHOUSE_MASTER_KEY environment variable';
  const redisUrl = input.redisUrl ?? (env.GATEHOUSE_REDIS_URL || undefined);
  if (redisUrl !== undefined && !/^rediss?:$/.test(URL.canParse(redisUrl) ? new URL(redisUrl).protocol : '')) {
    throw new Error('GATEHOUSE_REDIS_URL must be a redis:// or rediss:// URL');
  }
  const metricsToken = input.metricsToken ?? (env.GATEHOUSE_METRICS_TOKEN || undefined);
  if (metricsToken !== undefined && (metricsToken.length < 16 || metricsToken.length > 1024))
    throw new Error('GATEHOUSE_METRICS_TOKEN must be 16 to 1024 characters');
  const metricsPortText = input.metricsPort ?? env.GATEHOUSE_METRICS_PORT;
  const metricsPort =
    metricsPortText === undefined || metricsPortText === ''
      ? undefined
      : int('metricsPort', metricsPortText, 0, 0, 65535);
  if (metricsPort !== undefined && metricsPort !== 0 && metricsPort === port)
    throw new Error('GATEHOUSE_METRICS_PORT must differ from the port');
  const sso = ssoConfig(input.sso, env, issuer);
  const passwordSignIn =
    input.passwordSignIn ?? onOff('GATEHOUSE_PASSWORD_SIGNIN', env.GATEHOUSE_PASSWORD_SIGNIN, true);
  if (!passwordSignIn && !sso)
    throw new Error('GATEHOUSE_PASSWORD_SIGNIN=off needs single sign-on (GATEHOUSE_SSO_ISSUER)');
  return Object.freeze({
    sso,
    passwordSignIn,
    requireTotp: input.requireTotp ?? onOff('GATEHOUSE_REQUIRE_TOTP', env.GATEHOUSE_REQUIRE_TOTP, false),
    host,
    port,
    issuer,
    audience,
    dataDir,
    databaseUrl,
    pgSchema: input.pgSchema,
    masterKeys: Object.freeze({
      given: keyText ? { key: parseMasterKey(keyText, keyOrigin), origin: keyOrigin } : undefined,
      // With PostgreSQL the data directory holds no store, so a master.key there is not its key.
      file: databaseUrl ? undefined : fileKey(dataDir),
    }),
    logLevel: input.logLevel ?? env.GATEHOUSE_LOG_LEVEL ?? 'info',
    clockSkew: int('clockSkew', input.clockSkew ?? env.GATEHOUSE_CLOCK_SKEW, 30, 0, 300),
    assertionMaxLifetime: int(
      'assertionMaxLifetime',
      input.assertionMaxLifetime ?? env.GATEHOUSE_ASSERTION_MAX_LIFETIME,
      3600,
      60,
      86400,
    ),
    federatedMaxLifetime: int(
      'federatedMaxLifetime',
      input.federatedMaxLifetime ?? env.GATEHOUSE_FEDERATED_MAX_LIFETIME,
      86400,
      60,
      7 * 86400,
    ),
    changePollMs: int('changePollMs', input.changePollMs ?? env.GATEHOUSE_CHANGE_POLL_MS, 250, 10, 1000),
    jwksMaxAge: int('jwksMaxAge', input.jwksMaxAge ?? env.GATEHOUSE_JWKS_MAX_AGE, 300, 0, 86400),
    corsOrigins: Object.freeze(
      input.corsOrigins ??
        (env.GATEHOUSE_CORS_ORIGINS ?? '')
          .split(',')
          .map((o) => o.trim())
          .filter(Boolean),
    ),
    auditRetentionDays: int(
      'auditRetentionDays',
      input.auditRetentionDays ?? env.GATEHOUSE_AUDIT_RETENTION_DAYS,
      90,
      1,
      3650,
    ),
    redisUrl,
    redisPrefix: input.redisPrefix ?? env.GATEHOUSE_REDIS_PREFIX ?? 'gatehouse:throttle:',
    metricsToken,
    metricsPort,
    metricsHost: input.metricsHost ?? env.GATEHOUSE_METRICS_HOST ?? '127.0.0.1',
    invitationTtl: int(
      'invitationTtl',
      input.invitationTtl ?? env.GATEHOUSE_INVITATION_TTL,
      7 * 86400,
      300,
      90 * 86400,
    ),
    jwksUriAllowedHosts: Object.freeze(input.jwksUriAllowedHosts ?? hostList(env.GATEHOUSE_JWKS_URI_ALLOWED_HOSTS)),
    webhookAllowedHosts: Object.freeze(input.webhookAllowedHosts ?? hostList(env.GATEHOUSE_WEBHOOK_ALLOWED_HOSTS)),
    webhookRetryBaseMs: int(
      'webhookRetryBaseMs',
      input.webhookRetryBaseMs ?? env.GATEHOUSE_WEBHOOK_RETRY_BASE_MS,
      5000,
      10,
      3_600_000,
    ),
    webhookPollMs: int('webhookPollMs', input.webhookPollMs ?? env.GATEHOUSE_WEBHOOK_POLL_MS, 1000, 10, 60_000),
    webhookConcurrency: int(
      'webhookConcurrency',
      input.webhookConcurrency ?? env.GATEHOUSE_WEBHOOK_CONCURRENCY,
      8,
      0,
      64,
    ),
    requestTimeoutMs: int(
      'requestTimeoutMs',
      input.requestTimeoutMs ?? env.GATEHOUSE_REQUEST_TIMEOUT_MS,
      10_000,
      500,
      600_000,
    ),
  });
}

/**
 * Where the store of `config` is, for messages: the data directory, or the PostgreSQL URL with
 * its password replaced by `***`.
 */
export function storePlace(config: Pick<Config, 'dataDir' | 'databaseUrl' | 'pgSchema'>): StorePlace {
  if (!config.databaseUrl)
    return { description: `embedded store in ${config.dataDir}`, dataDir: config.dataDir, embedded: true };
  const schema = config.pgSchema ? ` (schema ${config.pgSchema})` : '';
  return {
    description: `PostgreSQL store at ${redactDatabaseUrl(config.databaseUrl)}${schema}`,
    dataDir: config.dataDir,
    embedded: false,
  };
}

/** `url` with its password (if any) replaced by `***`, safe to print; an unparsable URL is hidden whole. */
export function redactDatabaseUrl(url: string): string {
  if (!URL.canParse(url)) return '***';
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  for (const name of ['password', 'sslpassword'])
    if (parsed.searchParams.has(name)) parsed.searchParams.set(name, '***');
  return parsed.toString();
}

function fileKey(dataDir: string): MasterKeys['file'] {
  const key = readMasterKeyFile(dataDir);
  return key && { key, origin: masterKeyPath(dataDir) };
}

function ssoConfig(input: ConfigInput['sso'], env: NodeJS.ProcessEnv, issuer: string): SsoConfig | undefined {
  const ssoIssuer = input?.issuer ?? (env.GATEHOUSE_SSO_ISSUER || undefined);
  if (!ssoIssuer) return undefined;
  const allowHttp = input?.allowHttp ?? onOff('GATEHOUSE_SSO_ALLOW_HTTP', env.GATEHOUSE_SSO_ALLOW_HTTP, false);
  if (!URL.canParse(ssoIssuer) || !['https:', ...(allowHttp ? ['http:'] : [])].includes(new URL(ssoIssuer).protocol)) {
    throw new Error(`GATEHOUSE_SSO_ISSUER must be an https URL, got ${JSON.stringify(ssoIssuer)}`);
  }
  const clientId = input?.clientId ?? (env.GATEHOUSE_SSO_CLIENT_ID || undefined);
  if (!clientId || clientId.length > 255)
    throw new Error('GATEHOUSE_SSO_CLIENT_ID (1 to 255 characters) is required with GATEHOUSE_SSO_ISSUER');
  const redirectUri = input?.redirectUri ?? (env.GATEHOUSE_SSO_REDIRECT_URI || `${issuer}/api/v1/session/sso/callback`);
  if (!URL.canParse(redirectUri))
    throw new Error(`GATEHOUSE_SSO_REDIRECT_URI must be an absolute URL, got ${JSON.stringify(redirectUri)}`);
  const domains = input?.allowedDomains ?? (env.GATEHOUSE_SSO_ALLOWED_DOMAINS ?? '').split(',');
  return Object.freeze({
    issuer: ssoIssuer,
    clientId,
    clientSecret: input?.clientSecret ?? (env.GATEHOUSE_SSO_CLIENT_SECRET || undefined),
    allowedDomains: Object.freeze(domains.map((d) => d.trim().toLowerCase().replace(/^@/, '')).filter(Boolean)),
    redirectUri,
    name: (input?.name ?? env.GATEHOUSE_SSO_NAME ?? 'SSO').slice(0, 64),
    allowHttp,
  });
}

function onOff(name: string, value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  if (/^(on|true|1)$/i.test(value)) return true;
  if (/^(off|false|0)$/i.test(value)) return false;
  throw new Error(`${name} must be on or off, got ${JSON.stringify(value)}`);
}

function int(name: string, value: string | number | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Error(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  return n;
}

/** A comma-separated list of hosts (`host` or `host:port`), trimmed and lower-cased. */
function hostList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
}

function trimSlash(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url;
}
