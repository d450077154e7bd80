// Connections to the queue's Redis. First a probe without retries, so an unreachable server is one clear error
// naming the URL instead of a client reconnecting forever; then the connections BullMQ uses, which do reconnect
// forever, so a Redis restart mid-sweep only pauses the coordinator and the workers.
import type { RedisOptions as QueueConnection } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import type { RedisTarget } from './redis-url.js';

const PROBE_TIMEOUT_MS = 5000;

function base(t: RedisTarget): RedisOptions {
  return { host: t.host, port: t.port, db: t.db, username: t.username, password: t.password };
}

/** Resolves with the server's version, or rejects with an Error naming the URL and the cause. */
export async function checkReachable(t: RedisTarget): Promise<string> {
  const client = new Redis({
    ...base(t),
    lazyConnect: true,
    connectTimeout: PROBE_TIMEOUT_MS,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
  });
  // The 'error' event carries the socket's reason (ECONNREFUSED, ENOTFOUND, …); the rejection only says "closed".
  let cause: Error | undefined;
  client.on('error', (err: Error) => (cause ??= err));
  try {
    await client.connect();
    const info = await client.info('server');
    return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
  } catch (err) {
    throw new Error(`cannot reach Redis at ${t.display}: ${(cause ?? (err as Error)).message}`);
  } finally {
    client.disconnect();
  }
}

/**
 * Options for BullMQ's own connections. Workers block on Redis, which BullMQ requires to have no per-command retry
 * limit; the coordinator instead lets a command fail after one reconnect attempt, so its poll loop can report the
 * outage and try again on the next round.
 */
export function queueConnection(t: RedisTarget, role: 'worker' | 'coordinator'): QueueConnection {
  return {
    ...base(t),
    connectTimeout: PROBE_TIMEOUT_MS,
    maxRetriesPerRequest: role === 'worker' ? null : 1,
    retryStrategy: (attempt: number) => Math.min(200 * attempt, 5000),
  };
}
