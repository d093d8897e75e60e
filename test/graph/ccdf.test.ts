import { describe, expect, it } from "vitest";
import { ccdf } from "../../src/graph/ccdf.js";

describe("graph/ccdf", () => {
  it("gives P(X >= x) at each distinct value, zeros left out for log axes", () => {
    expect(ccdf([4, 1, 0, 2, 1])).toEqual({ x: [1, 2, 4], y: [1, 0.5, 0.25] });
    expect(ccdf(new Uint32Array([0, 3]), { positiveOnly: false })).toEqual({ x: [0, 3], y: [1, 0.5] });
    expect(ccdf([])).toEqual({ x: [], y: [] });
  });
});
