/**
 * Runs Gatehouse CLI commands against a data directory (`--data DIR`), as an operator would.
 * @packageDocumentation
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { GATEHOUSE_BIN, REPO_ROOT } from '../paths.js';

const run = promisify(execFile);

/**
 * Runs `gatehouse <args…> --data <dataDir>` and returns its stdout parsed as JSON when `args`
 * contains `--json`, the raw stdout otherwise. Throws with stderr on a non-zero exit.
 */
export async function gatehouseCli(args: string[], dataDir: string): Promise<unknown> {
  try {
    const { stdout } = await run(process.execPath, [GATEHOUSE_BIN, ...args, '--data', dataDir], {
      cwd: REPO_ROOT,
      env: { ...process.env, GATEHOUSE_LOG_LEVEL: 'warn' },
      timeout: 60_000,
      maxBuffer: 16 * 2 ** 20,
    });
    return args.includes('--json') ? (JSON.parse(stdout) as unknown) : stdout;
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    throw new Error(`gatehouse ${args.slice(0, 3).join(' ')} failed: ${(stderr || message).trim().slice(0, 300)}`);
  }
}

/** Client credentials of an integration. */
export interface ClientCredentials {
  client_id: string;
  client_secret: string;
}

/** `gatehouse integration create --env <env> --name <name> --preset <preset> --json`. */
export async function createIntegration(dataDir: string, name: string, preset = 'all-permissions', env = 'default') {
  const created = (await gatehouseCli(
    ['integration', 'create', '--env', env, '--name', name, '--preset', preset, '--json'],
    dataDir,
  )) as Partial<ClientCredentials> & { id?: string; scopes?: string[] };
  if (typeof created.client_id !== 'string' || typeof created.client_secret !== 'string') {
    throw new Error(`integration create: unexpected output ${JSON.stringify(created).slice(0, 200)}`);
  }
  return { client_id: created.client_id, client_secret: created.client_secret, scopes: created.scopes ?? [] };
}

/** `gatehouse env set <env> --refresh-before <seconds>`; a value ≥ the token lifetime switches reuse off. */
export async function setRefreshBefore(dataDir: string, seconds: number, env = 'default'): Promise<void> {
  await gatehouseCli(['env', 'set', env, '--refresh-before', String(seconds)], dataDir);
}

/** `gatehouse env credentials <env> --json`: the key and secret tenants sign customer tokens with. */
export async function environmentCredentials(dataDir: string, env = 'default') {
  const answer = (await gatehouseCli(['env', 'credentials', env, '--json'], dataDir)) as {
    environment_key?: unknown;
    environment_secret?: unknown;
  };
  if (typeof answer.environment_key !== 'string' || typeof answer.environment_secret !== 'string') {
    throw new Error(`env credentials: unexpected output ${JSON.stringify(answer).slice(0, 200)}`);
  }
  return { environmentKey: answer.environment_key, environmentSecret: answer.environment_secret };
}
