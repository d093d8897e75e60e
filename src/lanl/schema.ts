/**
 * The five LANL cyber1 streams and their schemas.
 *
 * Column order from LANL's data description (A. D. Kent, "Comprehensive, Multi-Source
 * Cyber-Security Events", 2015); column names and pandas dtypes from the seed notebook's
 * `STREAMS` mapping (hamelin, `Basics.ipynb`) and its red-team reader. Every line starts
 * with `time` (integer seconds since the data set's origin), which is not listed among
 * `columns`; `fieldCount` counts it.
 */

/** Names of the five streams, in the seed's file names `raw/<stream>.txt.gz`. */
export type LanlStream = "auth" | "proc" | "flows" | "dns" | "redteam";

/** pandas dtypes used by the seed's schemas. */
export type ColumnType = "object" | "category" | "int32" | "int64";

/** One column after `time`. */
export interface Column {
  readonly name: string;
  readonly dtype: ColumnType;
}

/** A stream's schema. */
export interface StreamSchema {
  readonly stream: LanlStream;
  /** Columns after `time`, in file order, named as in the seed. */
  readonly columns: readonly Column[];
  /** Comma-separated fields per line, `time` included. */
  readonly fieldCount: number;
}

function schema(stream: LanlStream, columns: Array<[string, ColumnType]>): StreamSchema {
  return Object.freeze({
    stream,
    columns: Object.freeze(columns.map(([name, dtype]) => Object.freeze({ name, dtype }))),
    fieldCount: columns.length + 1,
  });
}

/** All streams, in a stable order (the four event streams, then the labels). */
export const STREAMS: readonly LanlStream[] = Object.freeze(["auth", "proc", "flows", "dns", "redteam"]);

/** The event streams the seed partitions into intervals (redteam is a labeller for auth). */
export const EVENT_STREAMS: readonly Exclude<LanlStream, "redteam">[] = Object.freeze(["auth", "proc", "flows", "dns"]);

/**
 * Schemas by stream.
 *
 * @example
 * SCHEMAS.auth.fieldCount;        // 9
 * SCHEMAS.dns.columns[1].name;    // "computer_destination"
 */
export const SCHEMAS: Readonly<Record<LanlStream, StreamSchema>> = Object.freeze({
  auth: schema("auth", [
    ["userdomain_source", "object"],
    ["userdomain_destination", "object"],
    ["computer_source", "object"],
    ["computer_destination", "object"],
    ["auth", "category"],
    ["logon", "category"],
    ["direction", "category"],
    ["result", "category"],
  ]),
  proc: schema("proc", [
    ["userdomain_source", "object"],
    ["computer_source", "object"],
    ["process", "object"],
    ["action", "category"],
  ]),
  flows: schema("flows", [
    ["duration", "int64"],
    ["computer_source", "object"],
    ["port_source", "object"],
    ["computer_destination", "object"],
    ["port_destination", "object"],
    ["protocol", "category"],
    ["num_packets", "int32"],
    ["num_bytes", "int64"],
  ]),
  dns: schema("dns", [
    ["computer_source", "object"],
    ["computer_destination", "object"],
  ]),
  redteam: schema("redteam", [
    ["user_domain_source", "object"],
    ["computer_source", "object"],
    ["computer_destination", "object"],
  ]),
});

/** True when `name` is one of the five stream names. */
export function isLanlStream(name: string): name is LanlStream {
  return (STREAMS as readonly string[]).includes(name);
}

/**
 * The schema of a stream, by name.
 *
 * @throws when `name` is not a LANL stream.
 * @example
 * schemaOf("proc").fieldCount; // 5
 */
export function schemaOf(name: string): StreamSchema {
  if (!isLanlStream(name)) {
    throw new Error(`telemetry-lab/lanl/schema: unknown stream '${name}'; expected one of ${STREAMS.join(", ")}`);
  }
  return SCHEMAS[name];
}

/** Column names of a stream with `time` first, as the seed's `read_lanl_csv` names them. */
export function columnNames(name: string): string[] {
  return ["time", ...schemaOf(name).columns.map((c) => c.name)];
}
