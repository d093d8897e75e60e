import { describe, expect, it } from "vitest";
import { resolveOptions } from "../../../src/lanl/synth/calendar.js";
import { buildWorld } from "../../../src/lanl/synth/entities.js";
import { AuthWriter, buildVocabulary } from "../../../src/lanl/synth/vocabulary.js";
import { LineRing } from "../../../src/lanl/synth/ring.js";

describe("vocabulary and AuthWriter", () => {
  const world = buildWorld(resolveOptions({ scale: 0.001 }));
  const V = buildVocabulary(world);
  it("names the world's entities as LANL does", () => {
    expect(V.dict.name(V.computer[world.servers[0]!]!)).toBe("C586");
    expect(V.dict.name(V.machine[world.servers[0]!]!)).toBe("C586$@DOM1");
    expect(V.dict.name(V.anonymous[world.servers[0]!]!)).toBe("ANONYMOUS LOGON@C586");
    expect(V.dict.name(V.system[world.servers[0]! * 3]!)).toBe("SYSTEM@C586");
    expect(V.dict.name(V.user[0]!)).toMatch(/^U\d+@(DOM\d|\?)$/);
  });
  it("composite slots write the same bytes as eight fields", () => {
    const ring = new LineRing(V.dict, 5, 2, 1e9);
    const w = new AuthWriter(ring, V);
    const K = V.k;
    const u = V.user[0]!;
    const m = V.machine[3]!;
    const c = V.computer[3]!;
    const s = V.computer[world.servers[0]!]!;
    w.push8(5, u, u, c, s, K.Kerberos!, K.Network!, K.LogOn!, K.Success!);
    w.push8(6, u, m, c, c, K["?"]!, K["?"]!, K.AuthMap!, K.Success!);
    w.push8(7, m, m, s, s, K["?"]!, K.Network!, K.LogOff!, K.Success!);
    let text = "";
    ring.drainBin(0, true, (b) => (text += b.toString("latin1")));
    const [un, mn, cn, sn] = [u, m, c, s].map((i) => V.dict.name(i));
    expect(text).toBe(
      `5,${un},${un},${cn},${sn},Kerberos,Network,LogOn,Success\n` +
        `6,${un},${mn},${cn},${cn},?,?,AuthMap,Success\n` +
        `7,${mn},${mn},${sn},${sn},?,Network,LogOff,Success\n`,
    );
  });
});
