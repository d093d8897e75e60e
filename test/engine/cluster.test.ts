/**
 * The BullMQ engine end to end, with a private Redis and real worker processes
 * (`telemetry-lab worker`): `lanl graphs` and `lanl roles` with `--engine bullmq` while a
 * worker is killed with `kill -9` mid-job give the same bytes as the local engine; an
 * unreachable Redis fails at once with one line and writes nothing; a corrupt partition
 * fails after its retries, named with its file and reason; a re-submission adds no job
 * twice; SIGTERM lets a worker finish its job and exit 0.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildOnce } from "../build.js";
import { CLI, runCli, type CliResult } from "../partition/helpers.js";
import { makePartitions, readTree, ROOT, tempDir } from "../graph/pipeline/helpers.js";
import { hasRedis, freePort, startRedis, type RedisServer } from "../../src/engine/redis-server.js";

const COMPILED = ["dist/src/engine/thread.js", "dist/src/cli/worker.js", "dist/src/cli/lanl/graphs.js", "dist/src/cli/lanl/roles.js"];

interface WorkerProcess {
  child: ChildProcess;
  log: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves when a log line matches. */
  waitFor(re: RegExp, count?: number): Promise<void>;
}

const workers: WorkerProcess[] = [];

function startWorkerProcess(url: string, args: string[] = []): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [CLI, "worker", "--redis", url, "--lock", "2", ...args], { stdio: ["ignore", "ignore", "pipe"] });
  const log: string[] = [];
  const waiters: Array<{ re: RegExp; count: number; resolve: () => void }> = [];
  let partial = "";
  const check = (): void => {
    for (const w of [...waiters]) {
      if (log.filter((l) => w.re.test(l)).length >= w.count) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  child.stderr!.on("data", (c: Buffer) => {
    partial += c;
    const lines = partial.split("\n");
    partial = lines.pop()!;
    log.push(...lines);
    check();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  const w: WorkerProcess = {
    child,
    log,
    exited,
    waitFor: (re, count = 1) =>
      new Promise<void>((resolve) => {
        waiters.push({ re, count, resolve });
        check();
      }),
  };
  workers.push(w);
  return w.waitFor(/listening on queue/).then(() => w);
}

/** The default data set's partitions (made by `make data`), or a small generated one. */
async function dataFolder(): Promise<string> {
  const dir = tempDir("engine-data");
  const def = join(ROOT, "data", "lanl");
  if (existsSync(join(def, "partitions")) && existsSync(join(def, ".complete"))) {
    symlinkSync(join(def, "partitions"), join(dir, "partitions"));
    symlinkSync(join(def, "raw"), join(dir, "raw"));
    return dir;
  }
  const r = await runCli(["lanl", "synth", "--out", dir, "--days", "2", "--scale", "0.002"]);
  if (r.code !== 0) throw new Error(r.stderr);
  const p = await runCli(["lanl", "partition", dir, "--quiet"]);
  if (p.code !== 0) throw new Error(p.stderr);
  return dir;
}

/** Every file under the experiments folder (relative path -> bytes). */
function experiments(dir: string): Map<string, Buffer> {
  return readTree(join(dir, "experiments"));
}

function expectSameTree(a: Map<string, Buffer>, b: Map<string, Buffer>): void {
  expect([...b.keys()]).toEqual([...a.keys()]);
  for (const [k, v] of a) expect(b.get(k)!.equals(v), k).toBe(true);
}

const redisOk = hasRedis();

describe.skipIf(!redisOk)("the bullmq engine", () => {
  let redis: RedisServer;

  beforeAll(async () => {
    buildOnce(["src"], COMPILED);
    redis = await startRedis();
  }, 300_000);

  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill("SIGKILL");
    await Promise.all(workers.map((w) => w.exited));
    await redis?.stop();
  });

  it("runs lanl graphs and lanl roles on 3 workers, one killed with kill -9 mid-job in each stage, with the local engine's bytes", async () => {
    const data = await dataFolder();
    const local = tempDir("engine-local");
    for (const d of ["partitions", "raw"]) symlinkSync(join(data, d), join(local, d));
    const queue = ["--engine", "bullmq", "--redis", redis.url, "--queue", "kill9", "--quiet"];
    const pool = await Promise.all([0, 1, 2].map(() => startWorkerProcess(redis.url, ["--queue", "kill9"])));

    // Graphs: the first worker dies with kill -9 right after it took a working hour's job (a large one).
    const busy = (stage: string): RegExp => new RegExp(` ${stage} 2015-01-\\d\\dT1[0-6]:00:00 started`);
    const graphs = runCli(["lanl", "graphs", data, ...queue]);
    await pool[0]!.waitFor(busy("graphs"));
    pool[0]!.child.kill("SIGKILL");
    const g = await graphs;
    expect(g.stderr).toBe("");
    expect(g.code).toBe(0);
    expect((await pool[0]!.exited).signal).toBe("SIGKILL");

    // Roles (features, the basis, role tables): the second worker dies mid-job too.
    const roles = runCli(["lanl", "roles", data, ...queue]);
    await pool[1]!.waitFor(busy("features"));
    pool[1]!.child.kill("SIGKILL");
    const r = await roles;
    expect(r.code, r.stderr).toBe(0);

    // Each killed job ran again on another worker: its interval has a start line in two workers.
    const started = (w: WorkerProcess, stage: string): string[] => w.log.filter((l) => l.includes(` ${stage} `) && l.includes(" started")).map((l) => / (\S+T\S+) started/.exec(l)![1]!);
    const lastOf0 = started(pool[0]!, "graphs").at(-1)!;
    expect([...started(pool[1]!, "graphs"), ...started(pool[2]!, "graphs")]).toContain(lastOf0);
    const lastOf1 = started(pool[1]!, "features").at(-1)!;
    expect(started(pool[2]!, "features")).toContain(lastOf1);

    // The local engine on the same partitions.
    const lg = await runCli(["lanl", "graphs", local, "--quiet"]);
    expect(lg.code, lg.stderr).toBe(0);
    const lr = await runCli(["lanl", "roles", local, "--quiet"]);
    expect(lr.code, lr.stderr).toBe(0);
    const a = experiments(local);
    const b = experiments(data);
    expect([...a.keys()].some((k) => k.endsWith(".tlg.gz"))).toBe(true);
    expect([...a.keys()].some((k) => /roles\/.*\.parquet$/.test(k))).toBe(true);
    expect([...b.keys()].filter((k) => k.endsWith(".partial"))).toEqual([]);
    expectSameTree(a, b);
  }, 900_000);

  it("runs lanl detect (graphs, features, roles, and the scores as one job) with the local engine's tables", async () => {
    const dir = tempDir("engine-detect");
    const r0 = await runCli(["lanl", "synth", "--out", dir, "--days", "2", "--scale", "0.002", "--quiet"]);
    expect(r0.code, r0.stderr).toBe(0);
    const local = tempDir("engine-detect-local");
    for (const d of ["raw"]) symlinkSync(join(dir, d), join(local, d));
    const w = await startWorkerProcess(redis.url, ["--queue", "detect", "--concurrency", "2"]);
    const b = await runCli(["lanl", "detect", dir, "--engine", "bullmq", "--redis", redis.url, "--queue", "detect", "--json", "--quiet"]);
    expect(b.code, b.stderr).toBe(0);
    expect(w.log.some((l) => / scores 2015-01-01T00:00:00\/2015-01-03T00:00:00 done/.test(l))).toBe(true);
    const l = await runCli(["lanl", "detect", local, "--json", "--quiet"]);
    expect(l.code, l.stderr).toBe(0);
    // The evaluation's own timing aside, every file is the same.
    const strip = (t: Map<string, Buffer>): Map<string, Buffer> =>
      new Map([...t].map(([k, v]) => [k, k.endsWith("evaluation.json") ? Buffer.from(JSON.stringify({ ...JSON.parse(v.toString()), evaluation: { ...JSON.parse(v.toString()).evaluation, seconds: 0 } })) : v]));
    const a = strip(experiments(local));
    expect([...a.keys()].filter((k) => /scores[^/]*\/.*\.parquet$/.test(k)).length).toBe(48);
    expectSameTree(a, strip(experiments(dir)));
    expect(JSON.parse(b.stdout).evaluation.rows).toEqual(JSON.parse(l.stdout).evaluation.rows);
    w.child.kill("SIGTERM");
    expect((await w.exited).code).toBe(0);
  }, 300_000);

  it("with Redis unreachable: one line naming the URL without its password, exit 1, nothing written", async () => {
    const dir = tempDir("engine-down");
    makePartitions(dir);
    const port = await freePort();
    for (const cmd of [["lanl", "graphs", dir], ["lanl", "roles", dir], ["lanl", "detect", dir]]) {
      const r: CliResult = await runCli([...cmd, "--engine", "bullmq", "--redis", `redis://:hunter2@127.0.0.1:${port}/0`]);
      expect(r.code).toBe(1);
      const lines = r.stderr.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`cannot reach Redis at redis://:***@127.0.0.1:${port}/0: connection refused`);
      expect(r.stderr + r.stdout).not.toContain("hunter2");
    }
    expect(readdirSync(dir)).toEqual(["partitions"]);
    const w = await runCli(["worker", "--redis", `redis://:hunter2@127.0.0.1:${port}`]);
    expect(w.code).toBe(1);
    expect(w.stderr).toContain(`cannot reach Redis at redis://:***@127.0.0.1:${port}`);
    expect(w.stderr).not.toContain("hunter2");
  }, 60_000);

  it("a corrupt partition fails after its retries, named with its file and reason; the other intervals are built", async () => {
    const dir = tempDir("engine-corrupt");
    makePartitions(dir);
    const bad = join(dir, "partitions", "P0DT1H0M0S", "auth", "2015-01-01T02:00:00.txt.gz");
    writeFileSync(bad, Buffer.from("this is not gzip\n"));
    const w = await startWorkerProcess(redis.url, ["--queue", "corrupt"]);
    const r = await runCli(["lanl", "graphs", dir, "--engine", "bullmq", "--redis", redis.url, "--queue", "corrupt", "--attempts", "2", "--quiet"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/1 of the tasks failed after their retries:\n {2}graphs 2015-01-01T02:00:00 \(2 attempts\): .*2015-01-01T02:00:00\.txt\.gz/);
    expect(w.log.filter((l) => l.includes("2015-01-01T02:00:00 failed"))).toHaveLength(2);
    const graphsDir = readdirSync(join(dir, "experiments"), { recursive: true }).map(String).filter((p) => p.endsWith(".tlg.gz"));
    expect(graphsDir.length).toBeGreaterThan(0);
    expect(graphsDir.some((p) => p.includes("2015-01-01T02:00:00"))).toBe(false);
    w.child.kill("SIGTERM");
    expect((await w.exited).code).toBe(0);
  }, 120_000);

  it("a re-submission adds no job twice, a rerun resumes the queued jobs, and SIGTERM lets a worker finish its job", async () => {
    const dir = tempDir("engine-resubmit");
    makePartitions(dir);
    const args = ["lanl", "graphs", dir, "--engine", "bullmq", "--redis", redis.url, "--queue", "resubmit"];
    // No worker yet: the coordinator enqueues, says so, and waits; it is interrupted.
    const first = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "ignore", "pipe"] });
    let err1 = "";
    await new Promise<void>((resolve) => {
      first.stderr!.on("data", (c: Buffer) => {
        err1 += c;
        if (err1.includes("no worker is connected")) resolve();
      });
    });
    first.kill("SIGTERM");
    await new Promise((resolve) => first.on("exit", resolve));
    const { Queue } = await import("bullmq");
    const { parseRedisUrl } = await import("../../src/engine/redis.js");
    const q = new Queue("resubmit", { connection: parseRedisUrl(redis.url).options });
    const before = await q.getJobCounts("waiting", "active", "completed", "failed");
    expect(before.waiting).toBeGreaterThan(0);
    // The same submission again: nothing added twice; the coordinator waits for the queued jobs.
    const second = runCli(args);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await q.getJobCounts("waiting", "active", "completed", "failed")).toMatchObject(before);
    const w = await startWorkerProcess(redis.url, ["--queue", "resubmit"]);
    const r = await second;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`${before.waiting} of the ${before.waiting} jobs were still queued or running from an earlier run`);
    const after = await q.getJobCounts("waiting", "active", "completed", "failed");
    expect(after).toMatchObject({ waiting: 0, active: 0, completed: before.waiting, failed: 0 });
    await q.close();
    // SIGTERM: the worker says it finishes its running jobs, and exits 0.
    w.child.kill("SIGTERM");
    const exit = await w.exited;
    expect(exit.code).toBe(0);
    expect(w.log.some((l) => /SIGTERM: taking no new job/.test(l))).toBe(true);
    expect(w.log.some((l) => /stopped \(\d+ jobs done, 0 tries failed\)/.test(l))).toBe(true);
  }, 120_000);
});

describe.skipIf(!redisOk)("the bullmq engine with a password and with TLS", () => {
  it("runs with redis://:password@ and rediss:// and never prints the password", async () => {
    const dir = tempDir("engine-auth");
    const certs = tempDir("engine-certs");
    const { execFileSync } = await import("node:child_process");
    // A CA and a server certificate for 127.0.0.1.
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=telemetry-lab test CA", "-keyout", join(certs, "ca.key"), "-out", join(certs, "ca.crt")], { stdio: "ignore" });
    execFileSync("openssl", ["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", join(certs, "server.key"), "-out", join(certs, "server.csr")], { stdio: "ignore" });
    writeFileSync(join(certs, "ext.cnf"), "subjectAltName=IP:127.0.0.1\n");
    execFileSync("openssl", ["x509", "-req", "-in", join(certs, "server.csr"), "-CA", join(certs, "ca.crt"), "-CAkey", join(certs, "ca.key"), "-CAcreateserial", "-days", "2", "-extfile", join(certs, "ext.cnf"), "-out", join(certs, "server.crt")], { stdio: "ignore" });
    const secret = "s3cr3t/pa:ss";
    const servers = [await startRedis({ password: secret }), await startRedis({ password: secret, tls: { cert: join(certs, "server.crt"), key: join(certs, "server.key"), ca: join(certs, "ca.crt") } })];
    try {
      for (const server of servers) {
        expect(server.url.startsWith(server === servers[1] ? "rediss://" : "redis://")).toBe(true);
        const sub = join(dir, server === servers[1] ? "tls" : "plain");
        mkdirSync(sub);
        makePartitions(sub);
        const env = { NODE_EXTRA_CA_CERTS: join(certs, "ca.crt") };
        const worker = spawn(process.execPath, [CLI, "worker", "--lock", "2"], { env: { ...process.env, ...env, TELEMETRY_LAB_REDIS: server.url }, stdio: ["ignore", "ignore", "pipe"] });
        let wlog = "";
        worker.stderr!.on("data", (c: Buffer) => (wlog += c));
        const r = await runCli(["lanl", "graphs", sub, "--engine", "bullmq"], { ...env, TELEMETRY_LAB_REDIS: server.url });
        expect(r.code, r.stderr).toBe(0);
        expect(r.stderr).toContain(`at ${server.url.replace(encodeURIComponent(secret), "***")}`);
        worker.kill("SIGTERM");
        await new Promise((resolve) => worker.on("exit", resolve));
        expect(wlog).toContain("graphs 2015-01-01T00:00:00 done");
        for (const text of [r.stderr, r.stdout, wlog]) {
          expect(text).not.toContain(secret);
          expect(text).not.toContain(encodeURIComponent(secret));
        }
        // A wrong password: one line, the reason, no password.
        const wrong = await runCli(["lanl", "graphs", sub, "--engine", "bullmq", "--redis", server.url.replace(encodeURIComponent(secret), "wrong-one")], env);
        expect(wrong.code).toBe(1);
        expect(wrong.stderr).toMatch(/cannot reach Redis at rediss?:\/\/:\*\*\*@127\.0\.0\.1:\d+: authentication failed/);
        expect(wrong.stderr).not.toContain("wrong-one");
      }
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
    }
  }, 120_000);
});
