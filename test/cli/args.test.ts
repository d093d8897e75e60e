import { afterEach, describe, expect, it, vi } from "vitest";
import { integerOption, listOption, parseCommand } from "../../src/cli/args.js";

const spec = { name: "telemetry-lab x", usage: "usage: telemetry-lab x DIR", options: { jobs: { type: "string" as const }, quiet: { type: "boolean" as const } }, positionals: 1, positionalName: "data folder" };

describe("cli/args", () => {
  afterEach(() => vi.restoreAllMocks());

  it("parses options and positionals", () => {
    const p = parseCommand(["DIR", "--jobs", "2", "--quiet"], spec);
    expect(typeof p).toBe("object");
    if (typeof p === "number") return;
    expect(p.positionals).toEqual(["DIR"]);
    expect(p.values.jobs).toBe("2");
    expect(p.values.quiet).toBe(true);
  });

  it("prints the usage on stdout and returns 0 for -h", () => {
    const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    expect(parseCommand(["-h"], spec)).toBe(0);
    expect(out.mock.calls[0]![0]).toBe("usage: telemetry-lab x DIR\n");
  });

  it("returns 2 with one line on stderr for usage errors, pointing to --help", () => {
    const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    expect(parseCommand(["DIR", "--nope"], spec)).toBe(2);
    expect(String(err.mock.calls[0]![0])).toBe("telemetry-lab x: unknown option '--nope' (see 'telemetry-lab x --help')\n");
    expect(parseCommand([], spec)).toBe(2);
    expect(String(err.mock.calls[1]![0])).toBe("telemetry-lab x: expected one data folder, got 0 (see 'telemetry-lab x --help')\n");
    expect(parseCommand(["A", "B"], spec)).toBe(2);
    expect(String(err.mock.calls[2]![0])).toBe("telemetry-lab x: expected one data folder, got 2 (A B) (see 'telemetry-lab x --help')\n");
    expect(parseCommand(["DIR", "--jobs"], spec)).toBe(2);
    expect(String(err.mock.calls[3]![0])).toBe("telemetry-lab x: option '--jobs' needs a value (see 'telemetry-lab x --help')\n");
  });

  it("takes a negative number after an option as its value, for the command to judge", () => {
    const p = parseCommand(["DIR", "--jobs", "-1", "-q", "-2"], { ...spec, options: { ...spec.options, quota: { type: "string" as const, short: "q" } } });
    if (typeof p === "number") throw new Error("usage error");
    expect(p.values.jobs).toBe("-1");
    expect(p.values.quota).toBe("-2");
    expect(() => integerOption("telemetry-lab x", "jobs", p.values.jobs)).toThrow("telemetry-lab x: --jobs must be a non-negative integer, got '-1'");
    // a boolean option is never given a value; '--' ends the options
    const q = parseCommand(["--quiet", "--", "-1"], { ...spec, positionals: [0, 2] });
    if (typeof q === "number") throw new Error("usage error");
    expect(q.positionals).toEqual(["-1"]);
  });

  it("reads integer options with a clear error", () => {
    expect(integerOption("cmd", "jobs", undefined)).toBeUndefined();
    expect(integerOption("cmd", "jobs", "2")).toBe(2);
    expect(() => integerOption("cmd", "jobs", "-1")).toThrow("cmd: --jobs must be a non-negative integer, got '-1'");
    expect(() => integerOption("cmd", "level", "10", { min: 1, max: 9 })).toThrow("cmd: --level must be an integer in [1, 9], got '10'");
    expect(integerOption("cmd", "days", "-3", { min: Number.MIN_SAFE_INTEGER })).toBe(-3);
    expect(() => integerOption("cmd", "days", "two", { min: Number.MIN_SAFE_INTEGER })).toThrow("cmd: --days must be an integer, got 'two'");
  });

  it("splits list options", () => {
    expect(listOption("auth, proc,,dns")).toEqual(["auth", "proc", "dns"]);
    expect(listOption(undefined)).toBeUndefined();
  });
});

describe("cli/args usage checks shared by the lanl commands", () => {
  it("names the first option that is not a non-negative integer, and an option outside its choices", async () => {
    const { countOptionError, choiceOptionError } = await import("../../src/cli/args.js");
    expect(countOptionError("x", { jobs: "2", roles: undefined, seed: "0" })).toBeUndefined();
    expect(countOptionError("x", { jobs: "2", roles: "-1", seed: "y" })).toBe("x: --roles must be a non-negative integer, got '-1'");
    expect(choiceOptionError("x", "preset", undefined, ["graphrole", "llnl"])).toBeUndefined();
    expect(choiceOptionError("x", "preset", "llnl", ["graphrole", "llnl"])).toBeUndefined();
    expect(choiceOptionError("x", "preset", "nope", ["graphrole", "llnl"])).toBe("x: --preset must be graphrole or llnl, got 'nope'");
    expect(choiceOptionError("x", "score", "s", ["a", "b", "c"])).toBe("x: --score must be one of a, b, c, got 's'");
  });
});
