import { chmodSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeFileAtomic } from "../../src/io/atomic.js";
import { isOutputError, outputError } from "../../src/io/output-error.js";

describe("outputError", () => {
  it("says 'no space left on device', names the output and keeps code and syscall", () => {
    const sys = Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC", syscall: "write" });
    const e = outputError("telemetry-lab/x", "/out/a.txt.gz", sys);
    expect(e.message).toBe("telemetry-lab/x: /out/a.txt.gz: no space left on device (ENOSPC, write)");
    expect([e.code, e.syscall, e.path, isOutputError(e)]).toEqual(["ENOSPC", "write", "/out/a.txt.gz", true]);
    expect(outputError("telemetry-lab/y", "/other", e)).toBe(e); // not wrapped twice
    expect(outputError("telemetry-lab/x", "/o", new Error("boom")).message).toBe("telemetry-lab/x: /o: boom");
  });

  it("writeFileAtomic into a read-only folder names the target, not its temporary", () => {
    const dir = mkdtempSync(join(tmpdir(), "tl-oe-"));
    chmodSync(dir, 0o500);
    try {
      const target = join(dir, "global_table.json");
      let err: Error | undefined;
      try {
        writeFileAtomic(target, "[]");
      } catch (e) {
        err = e as Error;
      }
      if (process.getuid?.() === 0) {
        // root ignores folder permissions: the write succeeds; the naming is checked above
        expect(err).toBeUndefined();
      } else {
        expect(err!.message).toContain(`${target}: permission denied`);
        expect(err!.message).not.toContain(".partial");
      }
      expect(readdirSync(dir).filter((n) => n.endsWith(".partial"))).toEqual([]);
    } finally {
      chmodSync(dir, 0o700);
    }
  });
});
