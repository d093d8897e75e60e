/**
 * danfojs-node on the light TensorFlow.js of vendor/tfjs-lite (core, CPU backend, tf.data):
 * the DataFrame operations the notebooks use, the tensor paths danfojs takes (scalers use
 * chained tensor methods), and no console greeting from the CPU backend.
 */
import { describe, expect, it, vi } from "vitest";
import { createRequire } from "node:module";
import { join } from "node:path";
import { repoRoot } from "../../src/io/repo.js";

const require = createRequire(join(repoRoot(), "package.json"));

describe("danfojs on vendor/tfjs-lite", () => {
  it("loads TensorFlow.js core with the CPU backend and tf.data, not the full package", () => {
    const tf = require("@tensorflow/tfjs");
    expect(tf.getBackend()).toBe("cpu");
    expect(typeof tf.data.array).toBe("function");
    expect(require.resolve("@tensorflow/tfjs")).toMatch(/vendor[/\\]tfjs-lite[/\\]index\.js$/);
    expect(require("@tensorflow/tfjs-node")).toBe(tf);
    expect(() => require.resolve("@tensorflow/tfjs-layers")).toThrow();
    expect(tf.tensor([4, 9]).sqrt().add(1).arraySync()).toEqual([3, 4]);
  });

  it("groups, aggregates, samples and scales as the notebooks do, silently", async () => {
    const log = vi.spyOn(console, "log");
    const warn = vi.spyOn(console, "warn");
    try {
      const dfd = require("danfojs-node");
      const df = new dfd.DataFrame([
        { day: "a", edges: 1, vertices: 3 },
        { day: "a", edges: 4, vertices: 5 },
        { day: "b", edges: 2, vertices: 7 },
      ]);
      const g = df.groupby(["day"]).agg({ edges: ["min", "max"], vertices: "mean" });
      expect(dfd.toJSON(g)).toEqual([
        { day: "a", edges_min: 1, edges_max: 4, vertices_mean: 4 },
        { day: "b", edges_min: 2, edges_max: 2, vertices_mean: 7 },
      ]);
      expect((await df.sample(2, { seed: 1 })).shape).toEqual([2, 3]);
      const scaler = new dfd.StandardScaler();
      scaler.fit(df["edges"]);
      const z = scaler.transform(df["edges"]).values as number[];
      expect(z.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 6);
      expect(log).not.toHaveBeenCalled();
      expect(warn).not.toHaveBeenCalled();
    } finally {
      log.mockRestore();
      warn.mockRestore();
    }
  });
});
