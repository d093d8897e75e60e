import { describe, expect, it } from "vitest";
import { expandGrid, formatArchSpec, normalizeSpec, parseArchSpec, parseArchSpecs } from "../../../src/graph/arch/spec.js";
import { archFolderName } from "../../../src/graph/pipeline/pipeline.js";
import { getArch } from "../../../src/graph/arch/registry.js";
import { SCHEMAS } from "../../../src/lanl/schema.js";
import { eventArtifacts, eventEdges } from "../../../src/graph/arch/arch.js";

const folder = (text: string): string => {
  const s = parseArchSpec(text);
  return archFolderName(s.arch, s.options);
};

describe("architecture specs: text form", () => {
  it("parses a name, bare flags, values and lists", () => {
    expect(parseArchSpec("all-category-no-attr")).toEqual({ arch: "all-category-no-attr", options: {} });
    expect(parseArchSpec("all-category-no-attr:dropMissing,exclude=hubs")).toEqual({ arch: "all-category-no-attr", options: { dropMissing: true, exclude: "hubs" } });
    expect(parseArchSpec("shallow:types=entity")).toEqual({ arch: "shallow", options: { types: "entity" } });
    expect(parseArchSpec("shallow:exclude=logon+auth+auth")).toEqual({ arch: "shallow", options: { exclude: ["auth", "logon"] } });
    expect(parseArchSpec("flows-binned:bins=none")).toEqual({ arch: "flows-binned", options: { bins: [] } });
    expect(parseArchSpec(" user-host:pandasNa=false ")).toEqual({ arch: "user-host", options: { pandasNa: false } });
  });

  it("splits several specs on ';' and on a comma followed by a name", () => {
    const specs = parseArchSpecs("all-category-no-attr:dropMissing,exclude=hubs,shallow:types=entity,user-host;entity-clique");
    expect(specs.map(formatArchSpec)).toEqual(["all-category-no-attr:dropMissing,exclude=hubs", "shallow:types=entity", "user-host", "entity-clique"]);
  });

  it("reads the JSON form, one spec or an array", () => {
    expect(parseArchSpecs('{"arch":"shallow","options":{"types":"entity"}}')).toEqual([{ arch: "shallow", options: { types: "entity" } }]);
    const two = parseArchSpecs('[{"arch":"user-host"},{"arch":"all-category-no-attr","options":{"types":{"computer_source":"host","computer_destination":"host"}}}]');
    expect(two[1]!.options.types).toEqual({ computer_destination: "host", computer_source: "host" });
  });

  it("gives clear errors naming the offending text and what is allowed", () => {
    expect(() => parseArchSpec("shalow")).toThrow(/telemetry-lab\/graph\/arch\/spec: 'shalow': unknown architecture 'shalow' \(did you mean 'shallow'\?\); known: .*all-category-no-attr/);
    expect(() => parseArchSpec("shallow:dropmissing")).toThrow(/unknown option 'dropmissing' \(did you mean 'dropMissing'\?\); options: types, dropMissing, exclude, bins, duplicates, pandasNa/);
    expect(() => parseArchSpec("shallow:types=host")).toThrow(/option types is field or entity/);
    expect(() => parseArchSpec("shallow:dropMissing=yes")).toThrow(/option dropMissing is true or false, got 'yes'/);
    expect(() => parseArchSpec("shallow:exclude")).toThrow(/option exclude needs a value/);
    expect(() => parseArchSpec("shallow:duplicates=bag")).toThrow(/option duplicates is networkx or set/);
    expect(() => parseArchSpec("shallow:")).toThrow(/no option after ':'/);
    expect(() => parseArchSpec("shallow:types=entity,types=field")).toThrow(/option types given twice/);
    expect(() => parseArchSpecs("shallow:dropMissing,,exclude=hubs")).toThrow(/empty architecture spec \(two separators in a row\?\)/);
    expect(() => parseArchSpecs('{"arch":"shallow",')).toThrow(/malformed JSON/);
    expect(() => parseArchSpecs('{"arch":"shallow","opts":{}}')).toThrow(/unknown key 'opts'/);
    expect(() => parseArchSpecs('{"arch":"shallow","options":{"dropMissing":"yes"}}')).toThrow(/option dropMissing is true or false/);
    expect(() => parseArchSpec("shallow;user-host")).toThrow(/expected one architecture, got 2/);
  });

  it("normalises options equal in effect to the same spec", () => {
    expect(parseArchSpec("all-category-no-attr:dropMissing=false,types=field,exclude=none")).toEqual({ arch: "all-category-no-attr", options: {} });
    expect(parseArchSpec("all-category-no-attr:exclude=action+auth+direction+logon+protocol+result")).toEqual({ arch: "all-category-no-attr", options: { exclude: "hubs" } });
    expect(normalizeSpec({ arch: "shallow", options: { types: { computer_source: "computer", computer_destination: "computer", userdomain_source: "userdomain", userdomain_destination: "userdomain", user_domain_source: "userdomain", port_source: "port", port_destination: "port" } } })).toEqual({ arch: "shallow", options: { types: "entity" } });
    // An option at the architecture's own default is no option.
    expect(parseArchSpec("user-host:types=entity,duplicates=set")).toEqual({ arch: "user-host", options: {} });
    expect(parseArchSpec("user-host:types=field")).toEqual({ arch: "user-host", options: { types: "field" } });
  });
});

describe("architecture specs: grids", () => {
  it("expands | alternatives to every combination, first option slowest, duplicates dropped", () => {
    const g = expandGrid("all-category-no-attr:exclude=hubs|none,dropMissing=true|false,types=field|entity");
    expect(g.length).toBe(8);
    expect(g.map(formatArchSpec).slice(0, 4)).toEqual([
      "all-category-no-attr:dropMissing,exclude=hubs",
      "all-category-no-attr:types=entity,dropMissing,exclude=hubs",
      "all-category-no-attr:exclude=hubs",
      "all-category-no-attr:types=entity,exclude=hubs",
    ]);
    expect(new Set(g.map((s) => archFolderName(s.arch, s.options))).size).toBe(8);
    expect(expandGrid("shallow|user-host;shallow").map(formatArchSpec)).toEqual(["shallow", "user-host"]);
    expect(() => expandGrid("shallow:types=field|host")).toThrow(/option types is field or entity/);
  });
});

describe("cache keys (experiment folder names)", () => {
  it("change when an output-changing option changes", () => {
    const keys = ["all-category-no-attr", "all-category-no-attr:dropMissing", "all-category-no-attr:exclude=hubs", "all-category-no-attr:types=entity",
      "all-category-no-attr:bins=all", "all-category-no-attr:duplicates=set", "all-category-no-attr:pandasNa=false", "all-category-no-attr:exclude=auth",
      "shallow", "user-host", "entity-clique", "flows-binned", "user-host:types=field"].map(folder);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("and only then: defaults spelled out, option order, list order and the hub list give the same folder", () => {
    expect(folder("all-category-no-attr:dropMissing=false,types=field,exclude=none,bins=none,duplicates=networkx,pandasNa")).toBe("all-category-no-attr");
    expect(folder("all-category-no-attr:exclude=hubs,dropMissing")).toBe(folder("all-category-no-attr:dropMissing,exclude=hubs"));
    expect(folder("shallow:exclude=logon+auth")).toBe(folder("shallow:exclude=auth+logon"));
    expect(folder("all-category-no-attr:exclude=auth+logon+direction+result+protocol+action")).toBe(folder("all-category-no-attr:exclude=hubs"));
    expect(folder("entity-clique:types=entity,exclude=hubs,duplicates=set")).toBe("entity-clique");
  });

  it("the options of the new architectures change their graphs as their folder says", () => {
    const auth = ["U1@DOM1", "U2@DOM1", "C1", "C1", "NTLM", "Network", "LogOn", "Success"];
    const uh = getArch("user-host").plan(SCHEMAS.auth);
    expect(eventEdges(uh, auth)).toEqual([["userdomain::U1@DOM1", "computer::C1"], ["userdomain::U2@DOM1", "computer::C1"]]);
    const ec = getArch("entity-clique").plan(SCHEMAS.auth);
    expect(eventArtifacts(ec, auth)).toEqual(["userdomain::U1@DOM1", "userdomain::U2@DOM1", "computer::C1", "computer::C1"]);
    expect(eventEdges(ec, auth).length).toBe(3); // set semantics: {U1, U2, C1}
    const fb = getArch("flows-binned").plan(SCHEMAS.flows);
    expect(eventArtifacts(fb, ["9", "C1", "N1", "C2", "445", "6", "3", "1500"])).toEqual(["duration::2^3", "computer_source::C1", "port_source::N1", "computer_destination::C2", "port_destination::445", "protocol::6", "num_packets::2^1", "num_bytes::2^10"]);
  });
});
