/**
 * A private Redis for tests, benchmarks and a one-machine trial of the BullMQ engine:
 * `redis-server` (Debian's package) on a free loopback port, with a temporary directory,
 * no persistence, stopped (and its directory removed) by `stop()` or when this process
 * exits. Nothing is left running.
 *
 * Source: redis.io, "Redis configuration" (command-line arguments as config directives).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const MODULE = "telemetry-lab/engine/redis-server";

/**
 * Whether `redis-server` is installed; under CI (`CI` set) its absence is an error, not a skip.
 *
 * @example
 * hasRedis(); // true after `apt-get install redis-server`
 */
export function hasRedis(): boolean {
  const ok = spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0;
  if (!ok && process.env.CI) throw new Error(`${MODULE}: redis-server is not installed (.ci/run installs Debian's redis-server)`);
  return ok;
}

/**
 * A free TCP port on 127.0.0.1 (bound, then released).
 *
 * @example
 * await freePort(); // e.g. 41873
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** A started Redis. */
export interface RedisServer {
  port: number;
  /** `redis://[:password@]127.0.0.1:port` (or rediss:// with TLS). */
  url: string;
  dir: string;
  stop(): Promise<void>;
}

/** Options of {@link startRedis}. */
export interface RedisServerOptions {
  /** Require this password (`requirepass`). Default none. */
  password?: string;
  /** Serve TLS only, with these PEM files. */
  tls?: { cert: string; key: string; ca: string };
}

const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const c of running) c.kill("SIGKILL");
});

/**
 * Starts a Redis; resolves once it accepts connections.
 *
 * @example
 * const redis = await startRedis();
 * redis.url; // "redis://127.0.0.1:41873"
 * await redis.stop();
 */
export async function startRedis(options: RedisServerOptions = {}): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "tl-redis-"));
  const args = ["--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no", "--protected-mode", "no"];
  if (options.tls) {
    args.push("--port", "0", "--tls-port", String(port), "--tls-cert-file", options.tls.cert, "--tls-key-file", options.tls.key, "--tls-ca-cert-file", options.tls.ca, "--tls-auth-clients", "no");
  } else {
    args.push("--port", String(port));
  }
  if (options.password) args.push("--requirepass", options.password);
  const child = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
  running.add(child);
  let out = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${MODULE}: redis-server did not start on port ${port}: ${out.trim().split("\n").pop()}`)), 10_000);
    const onData = (c: Buffer): void => {
      out += c;
      if (out.includes("Ready to accept connections")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("error", (err) => {
      clearTimeout(timer);
      reject(new Error(`${MODULE}: cannot start redis-server: ${err.message}`));
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${MODULE}: redis-server exited with ${code}: ${out.trim().split("\n").pop()}`));
    });
  });
  child.stdout!.resume();
  child.stderr!.resume();
  const auth = options.password ? `:${encodeURIComponent(options.password)}@` : "";
  return {
    port,
    url: `${options.tls ? "rediss" : "redis"}://${auth}127.0.0.1:${port}`,
    dir,
    stop: () =>
      new Promise<void>((resolve) => {
        const done = (): void => {
          running.delete(child);
          rmSync(dir, { recursive: true, force: true });
          resolve();
        };
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once("exit", done);
        child.kill("SIGTERM");
      }),
  };
}
