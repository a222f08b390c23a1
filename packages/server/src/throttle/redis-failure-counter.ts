/**
 * The {@link FailureCounter} on Redis (`GATEHOUSE_REDIS_URL`): each operation is one Lua script,
 * so counting is atomic across nodes (INCR and PEXPIRE together) and costs one round trip.
 * Windows end on Redis's clock (PEXPIRE), reported to the caller as time left.
 * @packageDocumentation
 */
import type { Redis } from 'ioredis';
import type { Clock } from '../clock.js';
import type { FailureCounter, WindowCount, WindowKey } from './failure-counter.js';

const ADD = `
local out = {}
for _, key in ipairs(KEYS) do
  local n = redis.call('INCR', key)
  local ttl = redis.call('PTTL', key)
  if n == 1 or ttl < 0 then redis.call('PEXPIRE', key, ARGV[1]); ttl = tonumber(ARGV[1]) end
  out[#out + 1] = n
  out[#out + 1] = ttl
end
return out`;

const PEEK = `
local out = {}
for _, key in ipairs(KEYS) do
  out[#out + 1] = tonumber(redis.call('GET', key) or '0')
  out[#out + 1] = redis.call('PTTL', key)
end
return out`;

const REFUND = `
for _, key in ipairs(KEYS) do
  if tonumber(redis.call('GET', key) or '0') > 0 then redis.call('DECR', key) end
end
return 0`;

type Script = (keyCount: number, ...args: Array<string | number>) => Promise<number[]>;
interface ThrottleScripts {
  gatehouseThrottleAdd: Script;
  gatehouseThrottlePeek: Script;
  gatehouseThrottleRefund: Script;
}

/**
 * The Redis-backed counter; keys are `prefix` + the window's digest. Every key of one `add` must
 * share its `windowMs`.
 */
export function redisFailureCounter(redis: Redis, prefix: string, clock: Clock): FailureCounter {
  redis.defineCommand('gatehouseThrottleAdd', { lua: ADD });
  redis.defineCommand('gatehouseThrottlePeek', { lua: PEEK });
  redis.defineCommand('gatehouseThrottleRefund', { lua: REFUND });
  const scripts = redis as unknown as ThrottleScripts;
  const names = (keys: readonly WindowKey[]) => keys.map((k) => prefix + k.key);
  const counts = (flat: number[]): WindowCount[] => {
    const now = clock.now();
    const out: WindowCount[] = [];
    for (let i = 0; i < flat.length; i += 2)
      out.push({ count: Number(flat[i]), resetMs: now + Math.max(0, Number(flat[i + 1])) });
    return out;
  };
  return {
    peek: async (keys) => counts(await scripts.gatehouseThrottlePeek(keys.length, ...names(keys))),
    add: async (keys) =>
      counts(await scripts.gatehouseThrottleAdd(keys.length, ...names(keys), keys[0]?.windowMs ?? 0)),
    refund: async (keys) => {
      await scripts.gatehouseThrottleRefund(keys.length, ...names(keys));
    },
  };
}
