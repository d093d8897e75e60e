import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readRoleFrame, readRoleFrames, roleFramePaths } from "../../src/dynamics/frame.js";
import { writeParquet } from "../../src/io/parquet.js";

const dir = mkdtempSync(join(tmpdir(), "tl-dynamics-frame-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(start: string, nodes: string[], roles: number[][], extra = true): string {
  const path = join(dir, `${start}.parquet`);
  const k = roles[0]?.length ?? 2;
  writeParquet(path, {
    columns: [
      { name: "node", type: "string", values: nodes },
      ...Array.from({ length: k }, (_, r) => ({ name: `role_${r}`, type: "double" as const, values: Float64Array.from(roles, (row) => row[r]!) })),
      { name: "role", type: "int32", values: Int32Array.from(roles, (row) => row.indexOf(Math.max(...row))) },
      ...(extra
        ? [
            { name: "scale", type: "double" as const, values: Float64Array.from(nodes, (_, i) => i + 1) },
            { name: "residual", type: "double" as const, values: Float64Array.from(nodes, (_, i) => 0.5 * i) },
          ]
        : []),
    ],
  });
  return path;
}

describe("dynamics/frame", () => {
  it("reads a roles table: start from the file name, memberships row-major, residual and scale", () => {
    const p = write("2015-01-01T05:00:00", ["a", "b", "c"], [[1, 0, 0], [0.25, 0.75, 0], [0, 0, 0]]);
    const f = readRoleFrame(p);
    expect(f.start).toBe("2015-01-01T05:00:00");
    expect(f.nodes).toEqual(["a", "b", "c"]);
    expect(f.memberships.rows).toBe(3);
    expect(f.memberships.cols).toBe(3);
    expect(Array.from(f.memberships.data)).toEqual([1, 0, 0, 0.25, 0.75, 0, 0, 0, 0]);
    expect(Array.from(f.scale!)).toEqual([1, 2, 3]);
    expect(Array.from(f.residual!)).toEqual([0, 0.5, 1]);
  });

  it("residual and scale are optional; folders are listed in time order and read lazily", () => {
    write("2015-01-01T07:00:00", ["a"], [[0, 1, 0]], false);
    write("2015-01-01T06:00:00", [], [], false);
    const paths = roleFramePaths(dir).map((p) => p.slice(dir.length + 1));
    expect(paths).toEqual(["2015-01-01T05:00:00.parquet", "2015-01-01T06:00:00.parquet", "2015-01-01T07:00:00.parquet"]);
    const frames = [...readRoleFrames(dir)];
    expect(frames.map((f) => f.memberships.rows)).toEqual([3, 0, 1]);
    expect(frames[2]!.residual).toBeUndefined();
    expect(frames[1]!.memberships.cols).toBe(2);
  });

  it("refuses tables without node or role columns, with the module prefix", () => {
    const p = join(dir, "bad.parquet");
    writeParquet(p, { columns: [{ name: "node", type: "string", values: ["a"] }] });
    expect(() => readRoleFrame(p)).toThrow(/^telemetry-lab\/dynamics\/frame: .*bad.parquet: no 'role_0' column/);
    expect(() => readRoleFrame(join(dir, "missing.parquet"))).toThrow(/^telemetry-lab\/dynamics\/frame: /);
  });
});
