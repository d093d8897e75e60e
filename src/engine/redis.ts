/**
 * Redis connection settings from a URL, for the BullMQ engine: `redis://[user:password@]host[:port][/db]`
 * or `rediss://...` (TLS; the server's certificate is checked against Node's CAs, plus
 * `NODE_EXTRA_CA_CERTS`). The password never leaves this module in text meant for people:
 * {@link redactUrl} masks it, and {@link scrub} removes it from any message.
 *
 * Source: the Redis URI scheme (IANA provisional registrations `redis` and `rediss`);
 * ioredis connection options.
 */
import type { RedisOptions } from "ioredis";

const MODULE = "telemetry-lab/engine/redis";

/** A parsed Redis URL: the options to connect with and the URL as it may be shown. */
export interface RedisTarget {
  /** The URL with its password masked (`redis://user:***@host:6379/0`). */
  display: string;
  /** ioredis options (host, port, db, username, password, tls). */
  options: RedisOptions;
  /** The password, for {@link scrub} (undefined without one). */
  secret?: string;
}

/**
 * Parses a Redis URL; throws (with the password masked) when it is not one.
 *
 * @example
 * parseRedisUrl("redis://:s3cret@127.0.0.1:6390/2").display; // "redis://:***@127.0.0.1:6390/2"
 * parseRedisUrl("rediss://cache.example:6380").options.tls;  // { servername: "cache.example" }
 */
export function parseRedisUrl(url: string): RedisTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`${MODULE}: '${redactUrl(url)}' is not a Redis URL; expected redis://[user:password@]host[:port][/db] or rediss://...`);
  }
  if (u.protocol !== "redis:" && u.protocol !== "rediss:") {
    throw new Error(`${MODULE}: '${redactUrl(url)}' is not a Redis URL (scheme ${u.protocol.slice(0, -1)}); expected redis:// or rediss://`);
  }
  if (u.hostname === "") throw new Error(`${MODULE}: '${redactUrl(url)}' names no host`);
  const port = u.port === "" ? 6379 : Number(u.port);
  const dbText = u.pathname.replace(/^\//, "");
  if (dbText !== "" && !/^\d+$/.test(dbText)) throw new Error(`${MODULE}: '${redactUrl(url)}': the database must be a number, got '${dbText}'`);
  const host = u.hostname.replace(/^\[|\]$/g, "");
  const options: RedisOptions = { host, port, db: dbText === "" ? 0 : Number(dbText) };
  if (u.username !== "") options.username = decodeURIComponent(u.username);
  const secret = u.password !== "" ? decodeURIComponent(u.password) : undefined;
  if (secret !== undefined) options.password = secret;
  if (u.protocol === "rediss:") options.tls = { servername: host };
  return { display: redactUrl(url), options, secret };
}

/**
 * The URL with its password replaced by `***` (also for text that fails to parse).
 *
 * @example
 * redactUrl("rediss://worker:hunter2@10.0.0.5:6380/0"); // "rediss://worker:***@10.0.0.5:6380/0"
 */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/]*:)[^@/]*@/i, "$1***@");
}

/**
 * `text` with every occurrence of the secret (raw and URL-encoded) replaced by `***`.
 *
 * @example
 * scrub("WRONGPASS for hunter2", "hunter2"); // "WRONGPASS for ***"
 */
export function scrub(text: string, secret: string | undefined): string {
  if (secret === undefined || secret === "") return text;
  let out = text;
  for (const s of new Set([secret, encodeURIComponent(secret)])) out = out.split(s).join("***");
  return out;
}

/** Options of {@link probeRedis}. */
export interface ProbeOptions {
  /** Give up after this many milliseconds. Default 5000. */
  timeoutMs?: number;
}

/** Defaults of {@link ProbeOptions}. */
export const PROBE_DEFAULTS = Object.freeze({ timeoutMs: 5000 });

/**
 * Connects once (no retries) and sends PING; resolves with the server's version, or
 * throws one line naming the URL (password masked) and the reason.
 *
 * @example
 * await probeRedis(parseRedisUrl("redis://127.0.0.1:6390")); // "7.0.15"
 * // nothing listening: "telemetry-lab/engine/redis: cannot reach Redis at redis://127.0.0.1:6390: connection refused"
 */
export async function probeRedis(target: RedisTarget, options: ProbeOptions = {}): Promise<string> {
  const timeoutMs = options.timeoutMs ?? PROBE_DEFAULTS.timeoutMs;
  const { Redis } = await import("ioredis");
  const client = new Redis({
    ...target.options,
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    reconnectOnError: () => false,
  });
  // The cause (refused, wrong password) arrives as an 'error' event; connect() then only says "Connection is closed".
  let cause: unknown;
  client.on("error", (err: unknown) => {
    cause ??= err;
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    await Promise.race([client.connect(), timeout]);
    const pong = await Promise.race([client.ping(), timeout]);
    if (pong !== "PONG") throw new Error(`PING answered '${pong}'`);
    const info = await Promise.race([client.info("server"), timeout]);
    return /redis_version:([^\r\n]+)/.exec(info)?.[1] ?? "unknown";
  } catch (err) {
    throw new Error(`${MODULE}: cannot reach Redis at ${target.display}: ${scrub(describe(cause ?? err), target.secret)}`);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    client.disconnect();
  }
}

function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === "ECONNREFUSED") return "connection refused";
  if (e?.code === "ENOTFOUND" || e?.code === "EAI_AGAIN") return "host not found";
  if (e?.code === "ETIMEDOUT") return "connection timed out";
  const msg = e instanceof Error ? e.message : String(err);
  if (/WRONGPASS|NOAUTH|invalid password|invalid username-password/i.test(msg)) return `authentication failed (${msg.split("\n")[0]})`;
  return msg.split("\n")[0]!;
}
