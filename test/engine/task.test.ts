import { describe, expect, it } from "vitest";
import { canonicalJson, checkTask, taskId, type Task } from "../../src/engine/task.js";

const task = (input: unknown, interval = "2015-01-01T03:00:00"): Task => ({ stage: "graphs", experiment: "/data/lanl/experiments/x", interval, input });

describe("engine/task", () => {
  it("gives equal tasks equal ids, whatever the order of their keys", () => {
    const a = taskId(task({ level: 3, arch: "all-category-no-attr", streams: ["auth", "proc"] }));
    const b = taskId({ input: { streams: ["auth", "proc"], arch: "all-category-no-attr", level: 3 }, interval: "2015-01-01T03:00:00", experiment: "/data/lanl/experiments/x", stage: "graphs" });
    expect(a).toBe(b);
    expect(a).toMatch(/^graphs\.2015-01-01T030000\.[0-9a-f]{16}$/);
    expect(a).not.toContain(":");
  });

  it("gives another id to another interval, experiment, stage or input", () => {
    const base = task({ level: 3 });
    const ids = new Set([
      taskId(base),
      taskId(task({ level: 4 })),
      taskId(task({ level: 3 }, "2015-01-01T04:00:00")),
      taskId({ ...base, experiment: "/data/lanl/experiments/y" }),
      taskId({ ...base, stage: "features" }),
      taskId(task({ level: 3, streams: ["auth"] })),
      taskId(task({ level: 3, streams: ["proc"] })),
    ]);
    expect(ids.size).toBe(7);
  });

  it("names a span task by both ends", () => {
    expect(taskId({ stage: "scores", experiment: "/e", interval: "2015-01-01T00:00:00/2015-01-11T00:00:00", input: {} })).toMatch(/^scores\.2015-01-01T000000_2015-01-11T000000\./);
  });

  it("writes canonical JSON: sorted keys at every level, undefined members dropped", () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }], u: undefined })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
    expect(canonicalJson([1, "x", null, true])).toBe('[1,"x",null,true]');
  });

  it("refuses a task that would not travel through Redis unchanged", () => {
    expect(() => checkTask(task({ F: new Float64Array(2) }))).toThrow(/engine\/task: the input of graphs 2015-01-01T03:00:00 is not plain JSON data/);
    expect(() => checkTask(task({ when: new Date(0) }))).toThrow(/not plain JSON data/);
    expect(() => checkTask({ ...task({}), stage: "dask" as never })).toThrow(/unknown stage 'dask'/);
    expect(() => checkTask({ ...task({}), experiment: "" })).toThrow(/needs its experiment folder/);
    expect(checkTask(task({ a: [1, 2], b: { c: "d" } })).input).toEqual({ a: [1, 2], b: { c: "d" } });
  });
});
