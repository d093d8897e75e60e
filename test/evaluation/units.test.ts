import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { allCategoryNoAttr } from "../../src/graph/arch/all-category-no-attr.js";
import { groundTruth } from "../../src/evaluation/labels.js";
import { eventScores, intervalScore, pairScores, readAuthInterval, scoresOf } from "../../src/evaluation/units.js";
import { frames, H0, H1, H2, makeLanl, REDTEAM, tempDir, writeGz } from "./helpers.js";

let dir = "";
const auth = (h: string): string => join(dir, "partitions", "P0DT1H0M0S", "auth", `${h}.txt.gz`);

beforeAll(() => {
  dir = tempDir("units");
  makeLanl(dir);
});

describe("readAuthInterval", () => {
  const gt = groundTruth(REDTEAM);

  it("reads events, their artifacts, the join and the NTLM flag", async () => {
    const ai = await readAuthInterval(auth(H0), H0, gt);
    expect(ai.events).toBe(4);
    expect(ai.slots).toBe(4);
    expect([...ai.labels]).toEqual([0, 1, 1, 0]); // the duplicate line counts twice
    expect([...ai.ntlm]).toEqual([0, 1, 1, 0]);
    const names = (e: number): string[] => [...ai.artifacts.subarray(e * 4, e * 4 + 4)].map((i) => ai.names[i]!);
    expect(names(3)).toEqual(["userdomain_source::U1@DOM1", "userdomain_destination::SYSTEM@C3", "computer_source::C3", "computer_destination::C3"]);
    expect(ai.matchedLabels).toBe(1);
    expect(ai.unmatchedLabels).toBe(0);
  });

  it("reads distinct directed computer pairs, self-loops left out", async () => {
    const ai = await readAuthInterval(auth(H0), H0, gt);
    const pairs = [...ai.pairSrc].map((s, p) => `${ai.names[s]}>${ai.names[ai.pairDst[p]!]}`);
    expect(pairs).toEqual(["computer_source::C1>computer_destination::C2", "computer_source::C9>computer_destination::C2"]);
    expect([...ai.pairLabels]).toEqual([0, 1]);
    expect(ai.missingPairs).toEqual([]);
  });

  it("lists labels without an event and positive pairs without an event", async () => {
    const ai = await readAuthInterval(auth(H2), H2, gt);
    expect([...ai.labels]).toEqual([0, 1]);
    expect(ai.matchedLabels).toBe(1);
    expect(ai.unmatchedLabels).toBe(1);
    expect(ai.missingPairs).toEqual(["C9\tC5"]);
    expect([...ai.pairLabels]).toEqual([0, 1]);
  });

  it("names artifacts by the architecture (entity types merge source and destination)", async () => {
    const ge = groundTruth(REDTEAM, { arch: allCategoryNoAttr({ types: "entity" }) });
    const ai = await readAuthInterval(auth(H1), H1, ge);
    expect([...ai.names].sort()).toEqual(["computer::C1", "computer::C2", "computer::C4", "userdomain::U1@DOM1", "userdomain::U2@DOM1"]);
    const all = await readAuthInterval(auth(H1), H1, ge, { artifacts: "all" });
    expect(all.slots).toBe(8);
    expect(all.names).toContain("auth::NTLM");
    expect(all.names).toContain("result::Success");
  });

  it("names the file and line of a malformed line", async () => {
    const bad = join(dir, "bad.txt.gz");
    writeGz(bad, ["10,U1@DOM1,U1@DOM1,C1,C2,Kerberos,Network,LogOn,Success", "11,U1@DOM1,C1"]);
    await expect(readAuthInterval(bad, H0, gt)).rejects.toThrow(/^telemetry-lab\/evaluation\/units: .*bad\.txt\.gz: line 2: not an auth line of 9 fields/);
  });
});

describe("scoring the units", () => {
  const gt = groundTruth(REDTEAM);

  it("an event takes the max over its artifacts, NaN skipped", async () => {
    const ai = await readAuthInterval(auth(H0), H0, gt);
    const local = scoresOf(ai.names, frames([H0])[0]);
    // e1 U1,U1,C1,C2 -> max(0, 0, 0.5, 0.3); e2, e3 C9 -> 0.9; e4 U1 (0), SYSTEM@C3 (0), C3 (0.05) -> 0.05
    expect([...eventScores(ai, local)]).toEqual([0.5, 0.9, 0.9, 0.05]);
    expect([...eventScores({ events: 1, slots: 2, artifacts: Int32Array.of(0, 1) }, Float64Array.of(NaN, NaN))]).toEqual([NaN]);
  });

  it("an edge takes the max of its endpoints by default", async () => {
    const ai = await readAuthInterval(auth(H1), H1, gt);
    const local = scoresOf(ai.names, frames([H1])[0]);
    // C1 -> C4: (0.5, 0.6); C2 -> C1: (0.1, 0.2)
    expect([...pairScores(ai, local)]).toEqual([0.6, 0.2]);
    expect([...pairScores(ai, local, "min")]).toEqual([0.5, 0.1]);
    expect([...pairScores(ai, local, "mean")].map((x) => +x.toFixed(12))).toEqual([0.55, 0.15]);
    expect([...pairScores({ pairSrc: Int32Array.of(0, -1), pairDst: Int32Array.of(1, 1) }, Float64Array.of(NaN, 0.3), "mean")]).toEqual([0.3, 0.3]);
    expect(() => pairScores(ai, local, "sum" as never)).toThrow(/edge combination/);
  });

  it("an interval takes the mean, max or top-k mean of its scored vertices", () => {
    const s = Float64Array.of(1, NaN, 3, 8);
    expect(intervalScore(s)).toBe(4);
    expect(intervalScore(s, "max")).toBe(8);
    expect(intervalScore(s, { topMean: 2 })).toBe(5.5);
    expect(intervalScore(Float64Array.of(NaN))).toBeNaN();
    expect(() => intervalScore(s, { topMean: 0 })).toThrow(/^telemetry-lab\/evaluation\/units: interval aggregate/);
  });

  it("scoresOf aligns a frame by name", () => {
    expect([...scoresOf(["b", "z"], { start: H0, nodes: ["a", "b"], scores: Float64Array.of(1, 2) })]).toEqual([2, NaN]);
    expect([...scoresOf(["b"], undefined)]).toEqual([NaN]);
  });
});
