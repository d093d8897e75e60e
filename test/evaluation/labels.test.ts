import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { readRedteam } from "../../src/lanl/redteam.js";
import { allCategoryNoAttr } from "../../src/graph/arch/all-category-no-attr.js";
import { shallow } from "../../src/graph/arch/shallow.js";
import {
  ENTITY_ROLES,
  entityCandidates,
  entityPlan,
  eventKey,
  groundTruth,
  isPositiveInterval,
  labelArtifacts,
  pairKey,
  positivePairs,
  vertexType,
} from "../../src/evaluation/labels.js";
import { H0, H1, H2, NODES, REDTEAM } from "./helpers.js";

describe("entityPlan", () => {
  it("keeps the four entity fields with their roles, for field and entity types", () => {
    const f = entityPlan(allCategoryNoAttr());
    expect(f.plan.fields.map((x) => x.type)).toEqual(["userdomain_source", "userdomain_destination", "computer_source", "computer_destination"]);
    expect(f.roles).toEqual(["user", "user", "source-computer", "destination-computer"]);
    expect(f.roleTypes).toEqual({ "source-computer": ["computer_source"], "destination-computer": ["computer_destination"], user: ["userdomain_source", "userdomain_destination"] });
    const e = entityPlan(allCategoryNoAttr({ types: "entity" }));
    expect(e.roleTypes).toEqual({ "source-computer": ["computer"], "destination-computer": ["computer"], user: ["userdomain"] });
    expect([...e.types].sort()).toEqual(["computer", "userdomain"]);
  });

  it("refuses an architecture without user or computer artifacts", () => {
    const arch = allCategoryNoAttr({ exclude: ["userdomain_source", "userdomain_destination", "computer_source", "computer_destination"] });
    expect(() => entityPlan(arch)).toThrow(/^telemetry-lab\/evaluation\/labels: architecture 'all-category-no-attr' makes no user or computer artifact/);
  });
});

describe("labelArtifacts", () => {
  const e = { time: 1, user: "U1@DOM1", src: "C1", dst: "C2" };
  it("names a label's artifacts as the architecture names an auth event's", () => {
    expect(labelArtifacts(entityPlan(allCategoryNoAttr()), e)).toEqual(
      new Map([
        ["userdomain_source::U1@DOM1", 4],
        ["userdomain_destination::U1@DOM1", 4],
        ["computer_source::C1", 1],
        ["computer_destination::C2", 2],
      ]),
    );
    expect(labelArtifacts(entityPlan(allCategoryNoAttr({ types: "entity" })), e)).toEqual(
      new Map([
        ["userdomain::U1@DOM1", 4],
        ["computer::C1", 1],
        ["computer::C2", 2],
      ]),
    );
  });

  it("merges the roles of one computer that is source and destination (entity types)", () => {
    const m = labelArtifacts(entityPlan(allCategoryNoAttr({ types: "entity" })), { time: 1, user: "U1@DOM1", src: "C1", dst: "C1" });
    expect(m.get("computer::C1")).toBe(3);
  });

  it("follows the architecture's fields (shallow keeps all four auth entities)", () => {
    expect([...labelArtifacts(entityPlan(shallow()), e).keys()].sort()).toEqual([
      "computer_destination::C2",
      "computer_source::C1",
      "userdomain_destination::U1@DOM1",
      "userdomain_source::U1@DOM1",
    ]);
    const noDst = allCategoryNoAttr({ exclude: ["userdomain_destination"] });
    expect([...labelArtifacts(entityPlan(noDst), e).keys()]).not.toContain("userdomain_destination::U1@DOM1");
  });
});

describe("groundTruth", () => {
  const gt = groundTruth(REDTEAM);

  it("puts each label in its UTC interval, whatever the machine's zone", () => {
    expect([...gt.entities.keys()]).toEqual([H0, H2]);
    expect(gt.entities.get(H0)).toEqual(
      new Map([
        ["userdomain_source::U9@DOM1", 4],
        ["userdomain_destination::U9@DOM1", 4],
        ["computer_source::C9", 1],
        ["computer_destination::C2", 2],
      ]),
    );
    expect([...gt.entities.get(H2)!.keys()].sort()).toEqual([
      "computer_destination::C5",
      "computer_destination::C7",
      "computer_source::C9",
      "userdomain_destination::U9@DOM1",
      "userdomain_source::U9@DOM1",
    ]);
    expect(isPositiveInterval(gt, H0)).toBe(true);
    expect(isPositiveInterval(gt, H1)).toBe(false);
  });

  it("keeps pairs and join keys per interval", () => {
    expect(positivePairs(gt, H2)).toEqual([
      ["C9", "C5"],
      ["C9", "C7"],
    ]);
    expect(positivePairs(gt, H1)).toEqual([]);
    expect(gt.eventKeys.get(H0)).toEqual(new Set([eventKey(20, "U9@DOM1", "C9", "C2")]));
    expect([...gt.eventTimes.get(H2)!]).toEqual([7300, 7310]);
    expect(pairKey("C9", "C7")).toBe("C9\tC7");
  });

  it("follows the interval length and origin", () => {
    const day = groundTruth(REDTEAM, { intervalSeconds: 86400 });
    expect([...day.entities.keys()]).toEqual(["2015-01-01T00:00:00"]);
    const shifted = groundTruth([{ time: 10, user: "U1@DOM1", src: "C1", dst: "C2" }], { origin: "2015-01-08T00:00:00", intervalSeconds: 1800 });
    expect([...shifted.entities.keys()]).toEqual(["2015-01-08T00:00:00"]);
  });

  it("counts the real red-team file's summary figures on hand-made variants", () => {
    // four labels in one hour from one source: 1 src, 2 dst, 2 users (field types: 4 user vertices)
    const g = groundTruth([
      { time: 100, user: "U1@DOM1", src: "C17693", dst: "C1" },
      { time: 200, user: "U2@DOM1", src: "C17693", dst: "C2" },
      { time: 200, user: "U2@DOM1", src: "C17693", dst: "C2" },
      { time: 300, user: "U1@DOM1", src: "C17693", dst: "C1" },
    ]);
    const m = g.entities.get(H0)!;
    const count = (bit: number): number => [...m.values()].filter((b) => b & bit).length;
    expect([count(1), count(2), count(4), m.size]).toEqual([1, 2, 4, 7]);
    expect(g.eventKeys.get(H0)!.size).toBe(3);
  });

  it("rejects bad options and labels with the module prefix", () => {
    expect(() => groundTruth(REDTEAM, { intervalSeconds: 0 })).toThrow(/^telemetry-lab\/evaluation\/labels: intervalSeconds/);
    expect(() => groundTruth(REDTEAM, { origin: "yesterday" })).toThrow(/^telemetry-lab\/evaluation\/labels: origin/);
    expect(() => groundTruth([{ time: -1, user: "U", src: "C", dst: "C" }])).toThrow(/label 1: time -1/);
  });
});

describe("entityCandidates", () => {
  const gt = groundTruth(REDTEAM);

  it("takes the user and computer vertices of the frame, hubs left out", () => {
    const c = entityCandidates(gt, H0, NODES[H0]!);
    expect(c.rows.length).toBe(10);
    expect([...c.rows]).not.toContain(0); // auth::NTLM
    expect(c.labels.reduce((a, b) => a + b, 0)).toBe(4);
    expect(c.missing).toEqual([]);
  });

  it("per role, with positives missing from the frame listed", () => {
    const dst = entityCandidates(gt, H2, NODES[H2]!, "destination-computer");
    expect(dst.rows.length).toBe(2);
    expect([...dst.labels]).toEqual([0, 1]);
    expect(dst.missing).toEqual(["computer_destination::C5"]);
    const users = entityCandidates(gt, H2, NODES[H2]!, "user");
    expect([...users.labels]).toEqual([1, 1]);
    const none = entityCandidates(gt, H1, NODES[H1]!, "source-computer");
    expect([...none.labels]).toEqual([0, 0]);
  });

  it("with entity types, a vertex positive only in another role is left out of a role", () => {
    const g = groundTruth([{ time: 10, user: "U1@DOM1", src: "C1", dst: "C2" }], { arch: allCategoryNoAttr({ types: "entity" }) });
    const nodes = ["computer::C1", "computer::C2", "computer::C3", "userdomain::U1@DOM1", "auth::NTLM"];
    const src = entityCandidates(g, H0, nodes, "source-computer");
    expect([...src.rows].map((i) => nodes[i])).toEqual(["computer::C1", "computer::C3"]);
    expect([...src.labels]).toEqual([1, 0]);
    const all = entityCandidates(g, H0, nodes, "all");
    expect([...all.labels]).toEqual([1, 1, 0, 1]);
    for (const r of ENTITY_ROLES) expect(entityCandidates(g, H0, nodes, r).labels.reduce((a, b) => a + b, 0)).toBe(1);
  });

  it("vertexType reads the prefix", () => {
    expect(vertexType("computer_source::C17693")).toBe("computer_source");
    expect(vertexType("plain")).toBe("");
  });
});

/** LANL's real red-team list, when the shared data sets sit beside the repository (not shipped). */
const REAL = fileURLToPath(new URL("../../../shared/datasets/lanl/redteam.txt", import.meta.url));

describe.skipIf(!existsSync(REAL))("the real red-team list (lanl-method.md §1e, item 1)", () => {
  const counts = (gt: ReturnType<typeof groundTruth>): number[] => {
    const c = [0, 0, 0, 0];
    for (const m of gt.entities.values()) {
      for (const b of m.values()) {
        if (b & 1) c[0]!++;
        if (b & 2) c[1]!++;
        if (b & 4) c[2]!++;
        c[3]!++;
      }
    }
    return c;
  };

  it("entity types give the published counts: src 91, dst 507, user 282, any 880 vertex-hours; 84 hours", async () => {
    const events = await readRedteam(REAL);
    const gt = groundTruth(events, { arch: allCategoryNoAttr({ types: "entity" }) });
    expect(counts(gt)).toEqual([91, 507, 282, 880]);
    expect(gt.entities.size).toBe(84);
    // per day: src 29, dst 409, user 181
    expect(counts(groundTruth(events, { arch: allCategoryNoAttr({ types: "entity" }), intervalSeconds: 86400 })).slice(0, 3)).toEqual([29, 409, 181]);
  });

  it("field types count each user twice (source and destination user vertices)", async () => {
    expect(counts(groundTruth(await readRedteam(REAL)))).toEqual([91, 507, 564, 1162]);
  });
});
