/**
 * The graph-architecture abstraction (the seed's `GraphArch`): which fields of
 * an event become artifact vertices (`type::value`), and which artifact pairs
 * become edges: all pairs (a clique, the seed's `add_clique`) or a few typed
 * pairs (`shallow`).
 *
 * An architecture is defined by a few lines ({@link defineArch}): a name, the
 * fields it takes from a stream schema, and optionally its edge pairs. The
 * options every architecture takes ({@link ArchOptions}) are applied on top:
 * artifact types (merge fields into one entity type or keep them apart), drop
 * `?` values, leave out low-cardinality hub fields, log2-bin numeric fields, and
 * how a value repeated within one event counts. Design discussion:
 * `../shared/research/lanl-method.md` (field names decide merges; `?` and
 * hub fields; ElementAI's `mash_source_destination`).
 *
 * An architecture compiles, per stream, to an {@link EventPlan}: the fast path
 * (`src/graph/builder/compact/events.ts`) runs it on byte fields with interned ids; the object
 * path here ({@link eventArtifacts}, {@link eventEdges}) on string values, for
 * reading and tests. Both give the same vertices and weights.
 */
import type { Column, StreamSchema } from "../../lanl/schema.js";

const MODULE = "telemetry-lab/graph/arch";

/** Fields of the LANL schemas with a handful of values, which become hub vertices. */
export const HUB_FIELDS: readonly string[] = Object.freeze(["auth", "logon", "direction", "result", "protocol", "action"]);

/**
 * Artifact types that merge the same entity across fields and streams
 * (ElementAI's `mash_source_destination`): one `computer::C586` whether it is a
 * source or a destination, in auth, proc, flows or dns.
 */
export const ENTITY_TYPES: Readonly<Record<string, string>> = Object.freeze({
  computer_source: "computer",
  computer_destination: "computer",
  userdomain_source: "userdomain",
  userdomain_destination: "userdomain",
  user_domain_source: "userdomain",
  port_source: "port",
  port_destination: "port",
});

/**
 * pandas 1.x `read_csv` default NA strings (`STR_NA_VALUES`; the seed uses pandas 1.x:
 * `iteritems`), without `None`, which pandas 2 added (pandas-dev/pandas#52493):
 * the seed reads such a value as NaN and names its vertex `field::nan`.
 */
export const PANDAS_NA_VALUES: readonly string[] = Object.freeze([
  "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
  "<NA>", "N/A", "NA", "NULL", "NaN", "n/a", "nan", "null",
]);

/** Options every architecture takes. */
export interface ArchOptions {
  /**
   * Artifact type (the vertex-name prefix before `::`) per field. `"field"`: the
   * field name (the seed: `computer_source::C586`, `computer_destination::C586`
   * stay apart); `"entity"`: {@link ENTITY_TYPES} (one `computer::C586`); or a
   * map field -> type (unmapped fields keep their name). Default "field".
   */
  types?: "field" | "entity" | Readonly<Record<string, string>>;
  /** Drop artifacts whose value is `?` (LANL's missing value) or empty. Default false. */
  dropMissing?: boolean;
  /** Fields left out: a list, or `"hubs"` for {@link HUB_FIELDS}. Default none. */
  exclude?: "hubs" | readonly string[];
  /**
   * Numeric fields turned into artifacts by log2 bins (`num_bytes::2^10` for
   * 1024..2047, `num_bytes::0` for 0), in schema order; `"all"` = every
   * int32/int64 field. Default none (the seed leaves numeric attributes out).
   */
  bins?: "all" | readonly string[];
  /**
   * How a vertex repeated within one event counts (possible only when types
   * merge fields, e.g. a local logon C586 -> C586 with `types: "entity"`).
   * `"networkx"`: the seed's semantics, pairs by position: `add_edge(a, a)`
   * makes a self-loop and each occurrence pairs with the others; `"set"`: each
   * distinct vertex once per event, no self-loops. Default "networkx".
   */
  duplicates?: "networkx" | "set";
  /**
   * Name values in pandas' default NA list ({@link PANDAS_NA_VALUES}) `nan`, as
   * the seed does (it reads with pandas). Default true.
   */
  pandasNa?: boolean;
}

/** Defaults of {@link ArchOptions}: the seed's behaviour. */
export const ARCH_DEFAULTS: Required<ArchOptions> = Object.freeze({
  types: "field",
  dropMissing: false,
  exclude: [],
  bins: [],
  duplicates: "networkx",
  pandasNa: true,
});

/** One artifact field of a plan. */
export interface ArtifactField {
  /** Index in `schema.columns` (the line field is `column + 1`, after `time`). */
  readonly column: number;
  /** Column name. */
  readonly field: string;
  /** Artifact type: the vertex name is `${type}::${value}`. */
  readonly type: string;
  /** `value`: the raw value; `log2`: the log2 bin of an integer. */
  readonly kind: "value" | "log2";
  /** Few distinct values (dtype `category`): a hub candidate. */
  readonly lowCardinality: boolean;
}

/** What an architecture does with one stream's events. */
export interface EventPlan {
  readonly arch: string;
  readonly stream: string;
  /** Artifact fields, in schema order (the clique's order). */
  readonly fields: readonly ArtifactField[];
  /** `clique`: all position pairs; otherwise pairs of indices into `fields`. */
  readonly edges: "clique" | readonly (readonly [number, number])[];
  readonly dropMissing: boolean;
  readonly duplicates: "networkx" | "set";
  readonly pandasNa: boolean;
}

/** A graph architecture bound to its options. */
export interface GraphArch {
  /** Registry name, also the experiment folder name (`all-category-no-attr`). */
  readonly name: string;
  readonly description: string;
  readonly options: Readonly<Required<ArchOptions>>;
  /** The plan for one stream. */
  plan(schema: StreamSchema): EventPlan;
}

/** What {@link defineArch} needs: the few lines a new architecture takes. */
export interface ArchSpec {
  name: string;
  description: string;
  /** Fields that become artifacts (by column name), before the options apply. */
  fields(schema: StreamSchema): readonly string[];
  /** Edge pairs by field name; omit for a clique. Pairs with a left-out field are skipped. */
  pairs?(schema: StreamSchema): readonly (readonly [string, string])[];
  /** Option defaults of this architecture (over {@link ARCH_DEFAULTS}). */
  defaults?: ArchOptions;
}

/** Builds a {@link GraphArch} from options. */
export type ArchFactory = ((options?: ArchOptions) => GraphArch) & { readonly archName: string; readonly description: string };

function isNumeric(c: Column): boolean {
  return c.dtype === "int32" || c.dtype === "int64";
}

/** Validates and completes options. */
export function resolveArchOptions(options: ArchOptions = {}, defaults: ArchOptions = {}): Required<ArchOptions> {
  const o = { ...ARCH_DEFAULTS, ...defaults, ...options } as Required<ArchOptions>;
  for (const key of Object.keys(options)) {
    if (!(key in ARCH_DEFAULTS)) throw new Error(`${MODULE}: unknown option '${key}'; expected one of ${Object.keys(ARCH_DEFAULTS).join(", ")}`);
  }
  if (typeof o.types === "string" && o.types !== "field" && o.types !== "entity") {
    throw new Error(`${MODULE}: option types must be "field", "entity" or a map, got '${o.types}'`);
  }
  if (o.duplicates !== "networkx" && o.duplicates !== "set") throw new Error(`${MODULE}: option duplicates must be "networkx" or "set", got '${String(o.duplicates)}'`);
  if (typeof o.exclude === "string" && o.exclude !== "hubs") throw new Error(`${MODULE}: option exclude must be "hubs" or a list, got '${o.exclude}'`);
  if (typeof o.bins === "string" && o.bins !== "all") throw new Error(`${MODULE}: option bins must be "all" or a list, got '${o.bins}'`);
  return Object.freeze(o);
}

function typeOf(field: string, types: Required<ArchOptions>["types"]): string {
  if (types === "field") return field;
  if (types === "entity") return ENTITY_TYPES[field] ?? field;
  return types[field] ?? field;
}

/**
 * Defines an architecture: `defineArch({ name, description, fields, pairs? })`.
 *
 * @example
 * const hostsOnly = defineArch({
 *   name: "hosts-only",
 *   description: "computers only, one clique per event",
 *   fields: (s) => s.columns.filter((c) => c.name.startsWith("computer")).map((c) => c.name),
 * });
 * hostsOnly().plan(SCHEMAS.auth).fields.map((f) => f.type); // ["computer_source", "computer_destination"]
 */
export function defineArch(spec: ArchSpec): ArchFactory {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(spec.name)) throw new Error(`${MODULE}: architecture name '${spec.name}' must be lower-case letters, digits and dashes`);
  const factory = (options: ArchOptions = {}): GraphArch => {
    const opts = resolveArchOptions(options, spec.defaults);
    return {
      name: spec.name,
      description: spec.description,
      options: opts,
      plan(schema: StreamSchema): EventPlan {
        const columns = schema.columns;
        const known = new Set(columns.map((c) => c.name));
        const chosen = new Set(spec.fields(schema));
        for (const f of chosen) if (!known.has(f)) throw new Error(`${MODULE}: ${spec.name}: stream ${schema.stream} has no field '${f}'`);
        const excluded = new Set(opts.exclude === "hubs" ? HUB_FIELDS : opts.exclude);
        const binned = new Set(opts.bins === "all" ? columns.filter(isNumeric).map((c) => c.name) : opts.bins);
        const fields: ArtifactField[] = [];
        columns.forEach((c, column) => {
          if (excluded.has(c.name)) return;
          if (binned.has(c.name) && isNumeric(c)) {
            fields.push({ column, field: c.name, type: typeOf(c.name, opts.types), kind: "log2", lowCardinality: false });
          } else if (chosen.has(c.name)) {
            fields.push({ column, field: c.name, type: typeOf(c.name, opts.types), kind: "value", lowCardinality: c.dtype === "category" });
          }
        });
        let edges: EventPlan["edges"] = "clique";
        if (spec.pairs) {
          const index = new Map(fields.map((f, i) => [f.field, i]));
          const pairs: [number, number][] = [];
          for (const [a, b] of spec.pairs(schema)) {
            const ia = index.get(a);
            const ib = index.get(b);
            if (ia !== undefined && ib !== undefined) pairs.push([ia, ib]);
          }
          edges = pairs;
        }
        return Object.freeze({
          arch: spec.name,
          stream: schema.stream,
          fields: Object.freeze(fields),
          edges,
          dropMissing: opts.dropMissing,
          duplicates: opts.duplicates,
          pandasNa: opts.pandasNa,
        });
      },
    };
  };
  return Object.assign(factory, { archName: spec.name, description: spec.description });
}

const NA = new Set(PANDAS_NA_VALUES);

/**
 * The log2 bin label of an integer field value: `0` for 0, `2^k` for
 * 2^k <= x < 2^(k+1), `-2^k` for negatives; the raw text when not an integer.
 *
 * @example
 * log2Bin("1500"); // "2^10"
 */
export function log2Bin(text: string): string {
  if (!/^-?\d+$/.test(text)) return text;
  const x = Number(text);
  if (x === 0) return "0";
  return `${x < 0 ? "-" : ""}2^${log2Floor(Math.abs(x))}`;
}

/** floor(log2(a)) for an integer a >= 1, exact (no floating log). */
export function log2Floor(a: number): number {
  if (a < 4294967296) return 31 - Math.clz32(a);
  let k = 32;
  while (2 ** (k + 1) <= a) k++;
  return k;
}

/**
 * The artifact vertex names of one event, in plan order (object path).
 * `values` are the event's fields after `time`, in schema order.
 * Returns `undefined` in the slots of dropped fields when `keepSlots`.
 *
 * @example
 * eventArtifacts(allCategoryNoAttr().plan(SCHEMAS.dns), ["C4653", "C5030"]);
 * // ["computer_source::C4653", "computer_destination::C5030"]
 */
export function eventArtifacts(plan: EventPlan, values: readonly string[]): string[] {
  return artifactSlots(plan, values).filter((s): s is string => s !== undefined);
}

function artifactSlots(plan: EventPlan, values: readonly string[]): (string | undefined)[] {
  return plan.fields.map((f) => {
    let v = values[f.column];
    if (v === undefined) throw new Error(`${MODULE}: ${plan.stream} event has ${values.length} fields, field '${f.field}' is number ${f.column + 1}`);
    if (plan.dropMissing && (v === "?" || v === "")) return undefined;
    if (f.kind === "log2") v = log2Bin(v);
    else if (plan.pandasNa && NA.has(v)) v = "nan";
    return `${f.type}::${v}`;
  });
}

/**
 * The weighted edge increments of one event (object path): each pair once per
 * event, networkx or set semantics per the plan (see {@link ArchOptions.duplicates}).
 *
 * @example
 * eventEdges(shallow().plan(SCHEMAS.dns), ["C4653", "C5030"]);
 * // [["computer_source::C4653", "computer_destination::C5030"]]
 */
export function eventEdges(plan: EventPlan, values: readonly string[]): [string, string][] {
  const slots = artifactSlots(plan, values);
  const out: [string, string][] = [];
  if (plan.edges === "clique") {
    let names = slots.filter((s): s is string => s !== undefined);
    if (plan.duplicates === "set") names = [...new Set(names)];
    for (let i = 0; i < names.length; i++) for (let j = i + 1; j < names.length; j++) out.push([names[i]!, names[j]!]);
    return out;
  }
  const seen = new Set<string>();
  for (const [a, b] of plan.edges) {
    const u = slots[a];
    const v = slots[b];
    if (u === undefined || v === undefined) continue;
    if (plan.duplicates === "set") {
      if (u === v) continue;
      const key = u < v ? `${u}\u0000${v}` : `${v}\u0000${u}`;
      if (seen.has(key)) continue;
      seen.add(key);
    }
    out.push([u, v]);
  }
  return out;
}
