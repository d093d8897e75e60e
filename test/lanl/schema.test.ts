import { describe, expect, it } from "vitest";
import { columnNames, EVENT_STREAMS, SCHEMAS, schemaOf, STREAMS } from "../../src/lanl/schema.js";

describe("LANL schemas", () => {
  it("field counts match LANL's formats", () => {
    expect(Object.fromEntries(STREAMS.map((s) => [s, SCHEMAS[s].fieldCount]))).toEqual({
      auth: 9,
      proc: 5,
      flows: 9,
      dns: 3,
      redteam: 4,
    });
    expect(EVENT_STREAMS).toEqual(["auth", "proc", "flows", "dns"]);
  });
  it("uses the seed's column names and dtypes", () => {
    expect(columnNames("auth")).toEqual([
      "time",
      "userdomain_source",
      "userdomain_destination",
      "computer_source",
      "computer_destination",
      "auth",
      "logon",
      "direction",
      "result",
    ]);
    expect(SCHEMAS.flows.columns.map((c) => c.dtype)).toEqual([
      "int64", "object", "object", "object", "object", "category", "int32", "int64",
    ]);
    expect(columnNames("redteam")).toEqual(["time", "user_domain_source", "computer_source", "computer_destination"]);
  });
  it("rejects unknown streams", () => {
    expect(() => schemaOf("netflow")).toThrow(/telemetry-lab\/lanl\/schema: unknown stream 'netflow'/);
  });
});
