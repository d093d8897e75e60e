import { describe, expect, it } from "vitest";
import { parseRedisUrl, probeRedis, redactUrl, scrub } from "../../src/engine/redis.js";
import { freePort } from "../../src/engine/redis-server.js";

describe("engine/redis", () => {
  it("parses redis:// and rediss:// URLs into connection options", () => {
    expect(parseRedisUrl("redis://127.0.0.1")).toMatchObject({ display: "redis://127.0.0.1", options: { host: "127.0.0.1", port: 6379, db: 0 } });
    const t = parseRedisUrl("rediss://worker:p%40ss%2Fword@cache.internal:6380/2");
    expect(t.options).toEqual({ host: "cache.internal", port: 6380, db: 2, username: "worker", password: "p@ss/word", tls: { servername: "cache.internal" } });
    expect(t.display).toBe("rediss://worker:***@cache.internal:6380/2");
    expect(t.secret).toBe("p@ss/word");
    expect(parseRedisUrl("redis://[::1]:7000").options).toMatchObject({ host: "::1", port: 7000 });
  });

  it("refuses what is not a Redis URL, without showing the password", () => {
    expect(() => parseRedisUrl("http://:pw@host:6379")).toThrow("engine/redis: 'http://:***@host:6379' is not a Redis URL (scheme http); expected redis:// or rediss://");
    expect(() => parseRedisUrl("localhost:6379")).toThrow(/not a Redis URL/);
    expect(() => parseRedisUrl("redis://:pw@host/abc")).toThrow("engine/redis: 'redis://:***@host/abc': the database must be a number, got 'abc'");
  });

  it("masks passwords in URLs and messages", () => {
    expect(redactUrl("redis://:hunter2@10.0.0.5:6379/0")).toBe("redis://:***@10.0.0.5:6379/0");
    expect(redactUrl("redis://10.0.0.5:6379")).toBe("redis://10.0.0.5:6379");
    expect(scrub("AUTH p@ss/word failed (p%40ss%2Fword)", "p@ss/word")).toBe("AUTH *** failed (***)");
    expect(scrub("nothing to hide", undefined)).toBe("nothing to hide");
  });

  it("fails at once, in one line, when nothing listens", async () => {
    const port = await freePort();
    const t0 = Date.now();
    await expect(probeRedis(parseRedisUrl(`redis://:hunter2@127.0.0.1:${port}`))).rejects.toThrow(`engine/redis: cannot reach Redis at redis://:***@127.0.0.1:${port}: connection refused`);
    expect(Date.now() - t0).toBeLessThan(4000);
  });
});
