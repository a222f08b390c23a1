/**
 * The runtime of one Gatehouse process: store, caches, keys, change feed. Built by
 * {@link createRuntime}, used by `buildApp` and by the CLI.
 * @packageDocumentation
 */
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import { storePlace, type Config } from './config/config.js';
import { CLI_ACTOR, NO_CACHES, NO_PENDING_USAGE, type Context, type LocalCaches } from './context.js';
import { Sealer } from './keys/master-key.js';
import { unlockStore } from './keys/unlock-store.js';
import { KeyRing } from './keys/key-ring.js';
import { ensureActiveKey } from './keys/signing-keys.js';
import { openStore, type Store } from './store/db.js';
import { Directory } from './cache/directory.js';
import { ChangeFeed } from './cache/change-feed.js';
import { Coherence } from './cache/coherence.js';
import { TokenIssuer } from './tokens/token-issuer.js';
import { GroupCommit } from './store/group-commit.js';
import { ensureDefaultEnvironment } from './services/environments.js';
import { RevocationList } from './tokens/revocation-list.js';
import { BearerVerifier } from './tokens/bearer-verifier.js';
import { CustomerTokens } from './tokens/customer-token-verifier.js';
import { CustomerSeen } from './services/customers.js';
import { csrfMatches, loadSession } from './services/sessions.js';
import { secondFactorFacts } from './services/second-factor-requirement.js';
import type { MembershipLookup, SessionLookup } from './auth/deps.js';
import { roleIn } from './services/members.js';
import { createMetrics, type Metrics } from './metrics.js';
import { scheduleMaintenance } from './maintenance.js';
import { Redis } from 'ioredis';
import { Throttle } from './throttle/throttle.js';
import { LocalWindows } from './throttle/local-windows.js';
import { applyThrottleChange, storeFailureCounter } from './throttle/store-failure-counter.js';
import { redisFailureCounter } from './throttle/redis-failure-counter.js';
import { AuditQueue } from './services/audit-queue.js';
import { JwksFetcher } from './auth/jwks-fetcher.js';
import { IssuerKeys } from './auth/issuer-discovery.js';
import { FederatedLookup } from './cache/federated-lookup.js';
import { SubjectTokens } from './tokens/subject-token.js';
import { VerificationGate } from './throttle/verification-gate.js';
import { storeLastUsedWriter, UsageLedger } from './services/usage-ledger.js';
import { UNTRACED, type Steps, type Tracing } from './telemetry/tracing.js';
import { WebhookWorker } from './webhooks/worker.js';
import { repositories } from './store/unit-of-work.js';

/** Everything a running server holds. */
export interface Runtime {
  readonly ctx: Context;
  readonly directory: Directory;
  readonly keys: KeyRing;
  readonly issuer: TokenIssuer;
  readonly changes: ChangeFeed;
  /** What each change invalidates here (cache/coherence.ts); the feed applies it, as may a request after its own write. */
  readonly coherence: Coherence;
  readonly revocations: RevocationList;
  readonly verifier: BearerVerifier;
  readonly customerTokens: CustomerTokens;
  /** Subject and actor tokens of the token-exchange grant (RFC 8693). */
  readonly subjectTokens: SubjectTokens;
  readonly metrics: Metrics;
  /** Throttling of failed client authentications and sign-ins, counted across nodes (store or Redis). */
  readonly throttle: Throttle;
  /** The Redis client holding the throttle's windows, when `GATEHOUSE_REDIS_URL` is set. */
  readonly redis: Redis | undefined;
  /**
   * Writes taken off the response path (audits of failed authentications, customers seen through
   * their tokens); drained on close.
   */
  readonly audits: AuditQueue;
  /** Verifications of client assertions in flight: 16 at once, one per (client, address), 1,024 waiting (G-72). */
  readonly assertions: VerificationGate;
  /** Integrations' `jwks_uri` keys for `private_key_jwt`, fetched with bounds and cached. */
  readonly jwks: JwksFetcher;
  /** Federated credentials by a platform token's (`iss`, `sub`), cached (issue #26). */
  readonly federated: FederatedLookup;
  /** Federated credentials' issuers' keys: discovery documents and JWKS, fetched with the `jwks_uri` bounds. */
  readonly issuerKeys: IssuerKeys;
  /**
   * Integrations' last-use times (token issuance, API calls), noted in memory on the request path
   * and written in batches off it (every 15 s and on close; services/usage-ledger.ts).
   */
  readonly usage: UsageLedger;
  /** Console sessions by cookie value, for session authentication (auth/session.ts). */
  readonly sessions: SessionLookup;
  /** Console accounts' roles in environments, read per request (auth/membership.ts). */
  readonly memberships: MembershipLookup;
  /**
   * This node's webhook delivery worker (webhooks/worker.ts): started with the runtime, stopped
   * (waiting for its sends in flight) on close. The CLI's contexts have none.
   */
  readonly webhooks: WebhookWorker;
  /** OpenTelemetry tracing when the `OTEL_*` variables ask for it (telemetry/start.ts), else undefined. */
  readonly tracing: Tracing | undefined;
  /** The token endpoint's steps: spans when tracing, plain calls ({@link UNTRACED}) when not. */
  readonly steps: Steps;
  /** Stops the change feed and the webhook worker, and closes the store. */
  close(): Promise<void>;
}

/** Injectable dependencies (tests pass a clock they move). */
export interface RuntimeDeps {
  clock?: Clock;
  /** An already open store (tests); otherwise one is opened from the config. */
  store?: Store;
  /** Tracing (telemetry/start.ts); none: the server traces nothing and loads no SDK. */
  tracing?: Tracing | undefined;
}

/**
 * Opens the store and builds a context (no caches, no feed, no usage ledger: their no-op
 * versions): what CLI commands need.
 * @throws MasterKeyRefused when this process's master key is not the store's (H-79); the store is closed.
 */
export async function openContext(config: Config, deps: RuntimeDeps = {}): Promise<Context> {
  const store =
    deps.store ??
    (await openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, pgSchema: config.pgSchema }));
  let masterKey: Buffer;
  try {
    masterKey = await unlockStore(store, config.masterKeys, storePlace(config));
  } catch (err) {
    await store.close();
    throw err;
  }
  return {
    config,
    store,
    db: store.db,
    sealer: new Sealer(masterKey),
    clock: deps.clock ?? systemClock,
    usage: NO_PENDING_USAGE,
    caches: NO_CACHES,
  };
}

/**
 * Brings a freshly migrated store to what every node expects: the `default` environment and an
 * active signing key, created when missing (safe when several processes do it at once, F-64).
 */
export async function prepareStore(ctx: Context): Promise<void> {
  await ensureDefaultEnvironment(ctx, CLI_ACTOR);
  await ensureActiveKey(ctx);
}

/**
 * Opens the store, creates the `default` environment and the first signing key when missing,
 * loads the keys and starts following changes.
 * @throws Error when the store can't be opened or migrated.
 */
export async function createRuntime(config: Config, deps: RuntimeDeps = {}): Promise<Runtime> {
  // The caches are built over the CLI's context; services get the runtime's, below.
  const base = await openContext(config, deps);
  let ctx = base;
  try {
    await prepareStore(ctx);
    const keys = new KeyRing(ctx);
    await keys.reload();
    const directory = new Directory(ctx);
    const revocations = new RevocationList(ctx);
    await revocations.reload();
    const metrics = createMetrics(true, {
      webhookPending: () => repositories(base.store).webhookOutbox.pendingCount(),
    });
    const tracing = deps.tracing;
    const steps = tracing?.steps ?? UNTRACED;
    const dialect = ctx.store.dialect;
    // Chosen once: without tracing the hook is the metric alone (nothing per query for traces).
    ctx.store.onQuery = tracing
      ? (ms, failed, sql) => {
          metrics.storeDuration.observe({ result: failed ? 'error' : 'ok' }, ms / 1000);
          tracing.onQuery(dialect, sql, ms, failed);
        }
      : (ms, failed) => metrics.storeDuration.observe({ result: failed ? 'error' : 'ok' }, ms / 1000);
    const issuer = new TokenIssuer(
      ctx,
      keys,
      GroupCommit.for(ctx.store),
      revocations,
      (outcome) => metrics.tokens.inc({ outcome }),
      steps,
    );
    const audits = new AuditQueue();
    const seen = new CustomerSeen(ctx, audits);
    const customerTokens = new CustomerTokens(ctx, directory, seen);
    const verifier = new BearerVerifier(ctx, keys, directory, revocations, customerTokens, (result) =>
      metrics.verifications.inc({ result }),
    );
    const subjectTokens = new SubjectTokens(ctx, keys, directory, revocations, customerTokens);
    const redis = config.redisUrl ? await connectRedis(config.redisUrl) : undefined;
    const counter = redis ? redisFailureCounter(redis, config.redisPrefix, ctx.clock) : storeFailureCounter(ctx);
    const throttle = new Throttle(new LocalWindows(ctx.clock), counter, ctx.clock);
    const coherence = new Coherence({
      directory,
      keys,
      revocations,
      customerKeys: customerTokens,
      customersSeen: seen,
      verifier,
      throttleBlock: (ref) => applyThrottleChange(ref, (key, until) => throttle.block(key, until)),
    });
    const changes = new ChangeFeed(
      ctx,
      (batch) => coherence.apply(batch),
      () => metrics.invalidationFailures.inc(),
    );
    await changes.start();
    const usage = new UsageLedger(storeLastUsedWriter(ctx), ctx.clock);
    usage.start();
    // One dependency graph: every service answers with this node's pending last uses and
    // refreshes this node's caches after its own commits.
    ctx = { ...base, usage, caches: localCaches(coherence) };
    const stopMaintenance = scheduleMaintenance(ctx);
    const webhooks = new WebhookWorker({
      ctx,
      onAttempt: (outcome) => metrics.webhookDeliveries.inc({ outcome }),
      // A store outage: counted; the delivery's lease runs out and a later poll (of any node) sends it.
      onError: () => metrics.webhookDeliveries.inc({ outcome: 'error' }),
    });
    webhooks.start();
    const jwks = new JwksFetcher(ctx.clock, config.jwksUriAllowedHosts);
    return {
      ctx,
      directory,
      keys,
      issuer,
      changes,
      coherence,
      revocations,
      verifier,
      customerTokens,
      subjectTokens,
      metrics,
      throttle,
      redis,
      audits,
      assertions: new VerificationGate(16, 1, 1024),
      jwks,
      federated: new FederatedLookup(ctx, directory),
      issuerKeys: new IssuerKeys(ctx.clock, config.jwksUriAllowedHosts, jwks),
      usage,
      sessions: {
        async find(value) {
          const session = await loadSession(ctx, value);
          return (
            session && {
              adminId: session.adminId,
              email: session.email,
              authMethod: session.authMethod,
              amr: session.amr,
              secondFactorFacts: () => secondFactorFacts(ctx, session.adminId),
              operator: session.operator === true,
              csrfMatches: (given) => csrfMatches(session, given),
              csrfToken: session.csrfToken,
              cookie: value,
            }
          );
        },
      },
      memberships: { role: (accountId, environmentId) => roleIn(ctx, accountId, environmentId) },
      webhooks,
      tracing,
      steps,
      async close() {
        stopMaintenance();
        await webhooks.stop();
        await audits.idle();
        await usage.close();
        redis?.disconnect();
        await changes.stop();
        await ctx.store.close();
      },
    };
  } catch (err) {
    await ctx.store.close();
    throw err;
  }
}

/**
 * The services' view of `coherence`: a change this process just committed is applied to its
 * caches at once, as the change feed will apply it again. A refresh that fails (the store went
 * away after the commit) is left to the feed, which retries it; the command itself succeeded.
 */
function localCaches(coherence: Coherence): LocalCaches {
  return {
    async committed(changes) {
      if (changes.length) await coherence.apply(changes).catch(() => undefined);
    },
  };
}

/**
 * A Redis client for the throttling windows that fails fast while Redis is unreachable (no offline
 * queue, 500 ms command timeout) and keeps reconnecting, so an outage never stalls a request.
 * Waits up to 2 s for the first connection; starting without Redis is allowed (app.ts logs it).
 */
async function connectRedis(url: string): Promise<Redis> {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 1000,
    commandTimeout: 500,
  });
  redis.on('error', () => undefined);
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 2000);
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return redis;
}
