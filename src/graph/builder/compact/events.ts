/**
 * From event lines to graph edges: the fast path of graph building.
 *
 * A plan ({@link EventPlan}, from an architecture) is compiled against a
 * {@link CompactBuilder}: one interned name prefix per artifact field, so each
 * field of a raw line (a byte range found by `splitFields`) becomes a vertex id
 * without creating a string; ids then go to the builder's clique or edge
 * accumulation. Other builders (graphology) take the object path: field
 * strings, {@link eventEdges}. Both paths give the same graph (tested).
 *
 * Interning a line costs little in the usual case: its run of low-cardinality
 * fields is one {@link GroupCache} lookup, a numbered value (`C17693`,
 * `U6180@DOM5`) one read of a {@link NumberedValues} array, a destination
 * equal to its source the source's remembered twin; only other values go to
 * the vertex table's hash. Distinct events are then counted on their ids
 * ({@link IdCounter}).
 *
 * The seed's equivalent is `make_graph`: `read_lanl_csv` then, per row,
 * `builder.add_clique(arch.get_event_artifacts(event))`.
 */
import { createLineFields, parseTime, splitFields, splitPrefix, type LineFields } from "../../../lanl/parse.js";
import type { StreamSchema } from "../../../lanl/schema.js";
import { eventEdges, log2Floor, PANDAS_NA_VALUES, type EventPlan } from "../../arch/arch.js";
import type { GraphBuilder } from "../builder.js";
import { CompactBuilder } from "../compact.js";
import type { VertexPrefix } from "./vertex-table.js";
import { EventCounter } from "./event-counter.js";
import { IdCounter } from "./id-counter.js";
import { GroupCache } from "./group-cache.js";
import { NumberedValues } from "./numbered.js";
import { repeatsPair } from "./rows.js";

const MODULE = "telemetry-lab/graph/events";
const ENC = new TextEncoder();
const QUESTION = 63;
const MINUS = 45;
const NA_BYTES = PANDAS_NA_VALUES.map((s) => ENC.encode(s));
/** 1 for a byte that starts some NA spelling (a table lookup, not a Set, in the hot loop). */
const NA_FIRST = new Uint8Array(256);
for (const b of NA_BYTES) if (b.length > 0) NA_FIRST[b[0]!] = 1;
const NAN = ENC.encode("nan");
const ZERO_LABEL = ENC.encode("0");
const POS_LABELS = Array.from({ length: 64 }, (_, k) => ENC.encode(`2^${k}`));
const NEG_LABELS = Array.from({ length: 64 }, (_, k) => ENC.encode(`-2^${k}`));

/** Options of {@link compilePlan}. */
export interface CompilePlanOptions {
  /** Count distinct event bodies and add each one's edges once, weighted ({@link EventCounter}). Default true. */
  dedupe?: boolean;
  /** Distinct bodies held before their edges are flushed to the builder. Default 2^21. */
  maxDistinct?: number;
  /**
   * What identifies a distinct event: `ids`, its interned artifact ids
   * ({@link IdCounter}: every line is split and interned, repeats cost a hash of
   * a few ints), or `bytes`, the line after its time ({@link EventCounter}:
   * repeated lines are neither split nor interned). Same graph. Default `ids`
   * for a row-building builder, `bytes` for the previous one (the bench's baseline).
   */
  key?: "ids" | "bytes";
}

/** Defaults of {@link CompilePlanOptions} (`key`: by builder, see there). */
export const COMPILE_DEFAULTS: Required<Omit<CompilePlanOptions, "key">> = { dedupe: true, maxDistinct: 1 << 21 };

/** A plan compiled against one compact builder's vertex table. */
export interface CompiledPlan {
  readonly plan: EventPlan;
  readonly builder: CompactBuilder;
  readonly prefixes: readonly VertexPrefix[];
  /** Line field index (column + 1) per artifact field. */
  readonly lineField: Int32Array;
  /** 1 when the field is log2-binned. */
  readonly binned: Uint8Array;
  /** Flattened pairs (a0, b0, a1, b1, ...) or undefined for a clique. */
  readonly pairs: Int32Array | undefined;
  /** Ids of the current event, -1 = dropped. */
  readonly ids: Int32Array;
  /** Scratch for the clique's kept ids. */
  readonly scratch: Int32Array;
  /** Per artifact field, the id of its previous plain value (-1 = none): hub fields repeat, a byte compare beats a lookup. */
  readonly last: Int32Array;
  readonly fields: LineFields;
  /** Distinct bodies pending (dedupe on, key `bytes`), or undefined. */
  readonly counter: EventCounter | undefined;
  /** Distinct id tuples pending (dedupe on, key `ids`), or undefined. */
  readonly idCounter: IdCounter | undefined;
  readonly maxDistinct: number;
  /**
   * Per artifact field, the earlier field whose value it often repeats (a
   * destination's source, by field name: `computer_destination` ->
   * `computer_source`), or -1; both plain values (not binned).
   */
  readonly twinOf: Int32Array;
  /** Per field with a twin: its id by the twin's id + 1 (0 = not seen), for equal bytes. */
  readonly twinIds: Int32Array[];
  /** Ids and hashes of a chunk of events (key `ids`). */
  readonly tuples: Int32Array;
  readonly hashes: Int32Array;
  /** Scratch of {@link IdCounter.touchAll}: a chunk's first-probed slots. */
  readonly entries: Int32Array;
  /**
   * The run of low-cardinality fields whose ids are cached by their bytes
   * ({@link GroupCache}; artifact fields `groupFrom..groupTo - 1`, line fields
   * `groupFirstLine..groupLastLine`), or undefined (no run of two or more).
   */
  readonly group: GroupCache | undefined;
  /** Per artifact field, its numbered values' ids by direct index ({@link NumberedValues}; plain fields), or undefined. */
  readonly numbered: (NumberedValues | undefined)[];
  readonly groupFrom: number;
  readonly groupTo: number;
  readonly groupFirstLine: number;
  readonly groupLastLine: number;
  /**
   * The run is the line's last fields: a line can be looked up in the cache by
   * its tail, before the run's fields are split (a cached run was split once,
   * so its commas are known to be right).
   */
  readonly groupAtEnd: boolean;
}

/**
 * The longest run (two or more) of consecutive artifact fields that are plain
 * low-cardinality values in consecutive columns and have no twin, as
 * [from, to), or [0, 0).
 */
function lowCardinalityRun(plan: EventPlan, twinOf: Int32Array): [number, number] {
  const ok = (i: number): boolean => {
    const f = plan.fields[i]!;
    return f.kind === "value" && f.lowCardinality && twinOf[i]! < 0 && !twinOf.includes(i);
  };
  let best: [number, number] = [0, 0];
  for (let i = 0; i < plan.fields.length; ) {
    if (!ok(i)) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < plan.fields.length && ok(j) && plan.fields[j]!.column === plan.fields[j - 1]!.column + 1) j++;
    if (j - i > best[1] - best[0]) best = [i, j];
    i = j;
  }
  return best[1] - best[0] >= 2 ? best : [0, 0];
}

/** Per field, the earlier plain field of the same name with `_source` for `_destination`, or -1. */
function twins(plan: EventPlan): Int32Array {
  const out = new Int32Array(plan.fields.length).fill(-1);
  plan.fields.forEach((f, j) => {
    if (f.kind !== "value" || !f.field.endsWith("_destination")) return;
    const src = f.field.slice(0, -"_destination".length) + "_source";
    const i = plan.fields.findIndex((g, k) => k < j && g.field === src && g.kind === "value");
    out[j] = i;
  });
  return out;
}

/**
 * Compiles `plan` for fast additions to `builder`. With `dedupe` (default),
 * events are counted per distinct body and reach the builder's edge table when
 * it is read (`toCsr`, `edgeCount`) or every `maxDistinct` bodies.
 */
export function compilePlan(plan: EventPlan, builder: CompactBuilder, schema: StreamSchema, options: CompilePlanOptions = {}): CompiledPlan {
  const opts = { ...COMPILE_DEFAULTS, ...options };
  if (plan.stream !== schema.stream) throw new Error(`${MODULE}: plan is for stream '${plan.stream}', schema is '${schema.stream}'`);
  const width = Math.max(1, plan.fields.length);
  const key = options.key ?? (builder.rows ? "ids" : "bytes");
  const twinOf = twins(plan);
  const run = lowCardinalityRun(plan, twinOf);
  const c: CompiledPlan = {
    plan,
    builder,
    prefixes: plan.fields.map((f) => builder.vertices.prefix(`${f.type}::`)),
    lineField: Int32Array.from(plan.fields, (f) => f.column + 1),
    binned: Uint8Array.from(plan.fields, (f) => (f.kind === "log2" ? 1 : 0)),
    pairs: plan.edges === "clique" ? undefined : Int32Array.from(plan.edges.flat()),
    ids: new Int32Array(width),
    scratch: new Int32Array(width),
    last: new Int32Array(width).fill(-1),
    fields: createLineFields(schema.fieldCount + 1),
    counter: opts.dedupe && key === "bytes" ? new EventCounter(width) : undefined,
    idCounter: opts.dedupe && key === "ids" ? new IdCounter(width) : undefined,
    maxDistinct: opts.maxDistinct,
    twinOf,
    twinIds: Array.from(twinOf, (i) => new Int32Array(i >= 0 ? 1024 : 0)),
    tuples: new Int32Array(key === "ids" ? CHUNK * width : 0),
    hashes: new Int32Array(key === "ids" ? CHUNK : 0),
    entries: new Int32Array(key === "ids" ? CHUNK : 0),
    group: run[1] > run[0] ? new GroupCache(run[1] - run[0]) : undefined,
    numbered: plan.fields.map((f, i) => (f.kind === "value" && (i < run[0] || i >= run[1]) ? new NumberedValues() : undefined)),
    groupFrom: run[0],
    groupTo: run[1],
    groupFirstLine: run[1] > run[0] ? plan.fields[run[0]]!.column + 1 : 0,
    groupLastLine: run[1] > run[0] ? plan.fields[run[1] - 1]!.column + 1 : 0,
    groupAtEnd: run[1] > run[0] && plan.fields[run[1] - 1]!.column + 1 === schema.fieldCount - 1,
  };
  const counter = c.counter;
  const set = plan.duplicates === "set";
  const fields = plan.fields.length;
  // Fields of distinct types never hold the same vertex (its name starts with the type).
  const distinct = new Set(plan.fields.map((f) => f.type)).size === fields;
  if (counter) {
    builder.onFlush(() => flushCompiled(c));
    builder.onRelease(() => counter.release());
    builder.addEventSource(() => ({ fields, width: counter.width, size: counter.size, payload: counter.payload, counts: counter.counts, countAt: 0, countStride: 1, pairs: c.pairs, set, distinct }));
  }
  const idc = c.idCounter;
  if (idc) {
    builder.onFlush(() => flushCompiled(c));
    builder.onRelease(() => idc.release());
    builder.addEventSource(() => ({ fields, width: idc.stride, size: idc.size, payload: idc.payload, counts: idc.countsView, countAt: idc.countAt, countStride: idc.stride >> 1, pairs: c.pairs, set, distinct }));
  }
  return c;
}

/** Adds the edges of every pending distinct body to the builder and forgets them. */
export function flushCompiled(c: CompiledPlan): void {
  const idc = c.idCounter;
  if (idc !== undefined && idc.size > 0) {
    const stride = idc.stride;
    for (let e = 0; e < idc.size; e++) emitEdges(c, idc.payload, e * stride, idc.count(e));
    idc.clear();
  }
  const counter = c.counter;
  if (counter === undefined || counter.size === 0) return;
  const w = counter.width;
  const payload = counter.payload;
  const counts = counter.counts;
  for (let id = 0; id < counter.size; id++) emitEdges(c, payload, id * w, counts[id]!);
  counter.clear();
}

function isNa(buf: Uint8Array, s: number, e: number): boolean {
  const len = e - s;
  if (len === 0) return true;
  if (len > 9 || NA_FIRST[buf[s]!] === 0) return false;
  outer: for (const na of NA_BYTES) {
    if (na.length !== len) continue;
    for (let i = 0; i < len; i++) if (na[i] !== buf[s + i]) continue outer;
    return true;
  }
  return false;
}

/** Parses an optionally negative decimal integer, NaN if not one. */
function parseInteger(buf: Uint8Array, s: number, e: number): number {
  let neg = false;
  if (s < e && buf[s] === MINUS) {
    neg = true;
    s++;
  }
  if (s >= e || e - s > 15) return NaN;
  let x = 0;
  for (let i = s; i < e; i++) {
    const c = buf[i]! - 48;
    if (c < 0 || c > 9) return NaN;
    x = x * 10 + c;
  }
  return neg ? -x : x;
}

/**
 * Interns the artifact vertices of the event whose fields were split (by
 * `splitFields`) into `c.fields`, into `c.ids` (-1 = dropped). Hot path.
 * `run`: the low-cardinality run's cache entry when the caller found it (its
 * fields then need not be split), else -1.
 */
export function internEvent(c: CompiledPlan, buf: Uint8Array, run = -1): void {
  const { ids, lineField, prefixes, binned, plan, last, twinOf, twinIds, numbered } = c;
  const table = c.builder.vertices;
  const starts = c.fields.starts;
  const ends = c.fields.ends;
  const nf = plan.fields.length;
  const dropMissing = plan.dropMissing;
  const pandasNa = plan.pandasNa;
  // The low-cardinality run: its ids from the cache when its bytes were seen, else interned below
  // and cached after.
  const group = c.group;
  let gFrom = 0;
  let gTo = 0;
  let gMiss = false;
  if (group !== undefined) {
    const r = run >= 0 ? run : group.find(buf, starts[c.groupFirstLine]!, ends[c.groupLastLine]!);
    if (r >= 0) {
      gFrom = c.groupFrom;
      gTo = c.groupTo;
      const gids = group.ids;
      for (let i = gFrom, o = r * (gTo - gFrom); i < gTo; i++, o++) ids[i] = gids[o]!;
    } else gMiss = !group.full;
  }
  for (let i = 0; i < nf; i++) {
    if (i >= gFrom && i < gTo) continue;
    const lf = lineField[i]!;
    const s = starts[lf]!;
    const e = ends[lf]!;
    if (dropMissing && (e === s || (e === s + 1 && buf[s] === QUESTION))) {
      ids[i] = -1;
      continue;
    }
    let id: number;
    if (binned[i]) {
      const x = parseInteger(buf, s, e);
      if (Number.isNaN(x)) id = table.internPrefixed(prefixes[i]!, buf, s, e);
      else {
        const label = x === 0 ? ZERO_LABEL : x > 0 ? POS_LABELS[log2Floor(x)]! : NEG_LABELS[log2Floor(-x)]!;
        id = table.internPrefixed(prefixes[i]!, label, 0, label.length);
      }
    } else if (numbered[i] === undefined && table.matches(last[i]!, prefixes[i]!, buf, s, e)) {
      // The field's previous plain value again (never an NA spelling: those are not remembered); not
      // tried for a numbered field, whose values (many, rarely the line before's) are found as cheaply.
      id = last[i]!;
    } else if (pandasNa && isNa(buf, s, e)) {
      id = table.internPrefixed(prefixes[i]!, NAN, 0, 3);
    } else {
      const t = twinOf[i]!;
      if (t >= 0 && ids[t]! >= 0 && sameBytes(buf, starts[lineField[t]!]!, ends[lineField[t]!]!, s, e)) {
        // The value of its twin field (a destination equal to its source): the id remembered for the twin's.
        const tid = ids[t]!;
        let map = twinIds[i]!;
        if (tid < map.length && map[tid]! > 0) id = map[tid]! - 1;
        else {
          id = internValue(c, i, buf, s, e);
          if (tid >= map.length) {
            const grown = new Int32Array(Math.max(tid + 1, map.length * 2));
            grown.set(map);
            twinIds[i] = map = grown;
          }
          map[tid] = id + 1;
        }
        last[i] = id;
      } else last[i] = id = internValue(c, i, buf, s, e);
    }
    ids[i] = id;
  }
  if (gMiss) group!.insert(buf, starts[c.groupFirstLine]!, ends[c.groupLastLine]!, ids, c.groupFrom);
}

/** Id of the plain value `buf[s, e)` of artifact field `i`: by its number when numbered, else from the vertex table. Hot path. */
function internValue(c: CompiledPlan, i: number, buf: Uint8Array, s: number, e: number): number {
  const nv = c.numbered[i];
  const known = nv === undefined ? -1 : nv.find(buf, s, e);
  if (known >= 0) return known;
  const id = c.builder.vertices.internPrefixed(c.prefixes[i]!, buf, s, e);
  nv?.remember(id);
  return id;
}

function sameBytes(buf: Uint8Array, s1: number, e1: number, s2: number, e2: number): boolean {
  if (e1 - s1 !== e2 - s2) return false;
  for (let i = s1, j = s2; i < e1; i++, j++) if (buf[i] !== buf[j]) return false;
  return true;
}

/** Adds the edges of one event's ids `ids[off, off + fields)` with `weight`. Hot path. */
export function emitEdges(c: CompiledPlan, ids: Int32Array, off: number, weight: number): void {
  const plan = c.plan;
  const nf = plan.fields.length;
  const edges = c.builder.edges;
  const pairs = c.pairs;
  const set = plan.duplicates === "set";
  if (pairs === undefined) {
    const kept = c.scratch;
    let n = 0;
    for (let i = 0; i < nf; i++) {
      const id = ids[off + i]!;
      if (id < 0) continue;
      if (set) {
        let dup = false;
        for (let j = 0; j < n; j++) if (kept[j] === id) dup = true;
        if (dup) continue;
      }
      kept[n++] = id;
    }
    for (let i = 0; i < n; i++) {
      const a = kept[i]!;
      for (let j = i + 1; j < n; j++) edges.add(a, kept[j]!, weight);
    }
    return;
  }
  const np = pairs.length;
  for (let p = 0; p < np; p += 2) {
    const u = ids[off + pairs[p]!]!;
    const v = ids[off + pairs[p + 1]!]!;
    if (u < 0 || v < 0) continue;
    if (set && (u === v || repeatsPair(ids, off, pairs, p))) continue;
    edges.add(u, v, weight);
  }
}

/** Counts of {@link addLines}. */
export interface AddLinesResult {
  /** Events added. */
  events: number;
  /** Lines rejected (wrong field count, bad time); only with `onReject: "skip"`. */
  rejected: number;
}

/** Options of {@link addLines}. */
export interface AddLinesOptions {
  /** What to do with a malformed line: throw (the seed's pandas would) or skip and count. Default "throw". */
  onReject?: "throw" | "skip";
  /** File name for error messages. */
  source?: string;
  /** 1-based line number of the first line, for error messages. Default 1. */
  firstLine?: number;
}

/** Defaults of {@link AddLinesOptions}. */
export const ADD_LINES_DEFAULTS = { onReject: "throw", source: "<lines>", firstLine: 1 } as const;

/**
 * Adds the events of raw lines `buf[starts[i], ends[i])` (i < count) of one
 * stream to a builder: the fast path for a {@link CompactBuilder} (pass the
 * same {@link CompiledPlan} for every batch via `compiled`), the object path
 * otherwise.
 *
 * @example
 * const b = new CompactBuilder();
 * const plan = allCategoryNoAttr().plan(SCHEMAS.dns);
 * const buf = Buffer.from("2,C4653,C5030\n");
 * addLines(b, plan, SCHEMAS.dns, buf, Int32Array.of(0), Int32Array.of(13), 1); // { events: 1, rejected: 0 }
 */
export function addLines(
  builder: GraphBuilder,
  plan: EventPlan,
  schema: StreamSchema,
  buf: Uint8Array,
  starts: Int32Array,
  ends: Int32Array,
  count: number,
  options: AddLinesOptions = {},
  compiled?: CompiledPlan,
): AddLinesResult {
  const opts = { ...ADD_LINES_DEFAULTS, ...options };
  if (plan.stream !== schema.stream) throw new Error(`${MODULE}: plan is for stream '${plan.stream}', lines are '${schema.stream}'`);
  const fc = schema.fieldCount;
  let events = 0;
  let rejected = 0;
  const c = builder instanceof CompactBuilder ? (compiled ?? compilePlan(plan, builder, schema)) : undefined;
  if (c !== undefined && c.builder !== builder) throw new Error(`${MODULE}: compiled plan belongs to another builder`);
  const fields = c?.fields ?? createLineFields(fc + 1);
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const counter = c?.counter;
  const idc = c?.idCounter;
  if (c !== undefined && idc !== undefined) return addLinesIds(c, idc, schema, buf, starts, ends, count, opts);
  if (counter !== undefined && count > 4096) {
    // Pre-size for half the batch's lines being new bodies (real hours repeat about half their lines).
    const half = Math.min(count >> 1, c!.maxDistinct);
    counter.reserve(half, Math.max(0, ends[count - 1]! - starts[0]!) >> 1);
  }
  for (let i = 0; i < count; i++) {
    const s = starts[i]!;
    const e = ends[i]!;
    let h = 0;
    let k = s;
    if (counter !== undefined) {
      // Time: 1..15 digits up to the first comma; then look the body up.
      while (k < e && buf[k]! >= 48 && buf[k]! <= 57) k++;
      if (k < e && buf[k] === 44 && k > s && k - s <= 15) {
        h = counter.hash(buf, k + 1, e);
        const id = counter.find(buf, k + 1, e, h);
        if (id >= 0) {
          counter.counts[id]!++;
          events++;
          continue;
        }
      } else k = -1;
    }
    const n = splitFields(buf, s, e, fields);
    if (n !== fc || parseTime(buf, fields.starts[0]!, fields.ends[0]!) < 0) {
      if (e === s || (e === s + 1 && buf[s] === 13)) continue; // blank line (e.g. a final newline)
      if (opts.onReject === "throw") {
        const why = n !== fc ? `expected ${fc} fields, got ${n}` : `time is not a non-negative integer`;
        throw new Error(`${MODULE}: ${opts.source}: line ${opts.firstLine + i}: ${schema.stream}: ${why}`);
      }
      rejected++;
      continue;
    }
    if (c !== undefined) {
      internEvent(c, buf);
      if (idc !== undefined) {
        idc.add(c.ids);
        if (idc.size >= c.maxDistinct) flushCompiled(c);
      } else if (counter !== undefined && k >= 0) {
        const id = counter.insert(buf, k + 1, e, h);
        const payload = counter.payload;
        const ids = c.ids;
        for (let q = 0, o = id * counter.width; q < ids.length; q++, o++) payload[o] = ids[q]!;
        if (counter.size >= c.maxDistinct) flushCompiled(c);
      } else {
        emitEdges(c, c.ids, 0, 1);
      }
    } else {
      const values: string[] = [];
      for (let k = 1; k < fc; k++) values.push(b.toString("utf8", fields.starts[k], fields.ends[k]));
      for (const [u, v] of eventEdges(plan, values)) builder.addEdge(u, v, 1);
    }
    events++;
  }
  return { events, rejected };
}

/** Lines counted per chunk by {@link addLinesIds}. */
const CHUNK = 128;
/** Folds the values of {@link IdCounter.touchAll} (kept, so the reads are). */
let touched = 0;

/** The folded values of the table reads made ahead (for the reads not to be dropped as dead code). */
export function touchedSink(): number {
  return touched;
}

/**
 * {@link addLines} with distinct events counted on their ids: each line is
 * split and interned, its ids kept with their hash; every {@link CHUNK} lines,
 * the chunk's table slots are read first (their cache misses overlap), then
 * its tuples counted.
 */
function addLinesIds(
  c: CompiledPlan,
  idc: IdCounter,
  schema: StreamSchema,
  buf: Uint8Array,
  starts: Int32Array,
  ends: Int32Array,
  count: number,
  opts: { onReject: "throw" | "skip"; source: string; firstLine: number },
): AddLinesResult {
  const fc = schema.fieldCount;
  const fields = c.fields;
  const w = idc.width;
  const ids = c.ids;
  const tuples = c.tuples;
  const hashes = c.hashes;
  const entries = c.entries;
  // The table sized once for the whole batch (every line could be new).
  idc.reserve(Math.min(count, c.maxDistinct));
  let events = 0;
  let rejected = 0;
  let m = 0;
  const drain = (): void => {
    let x = 0;
    x ^= idc.touchAll(hashes, m, entries);
    touched ^= x;
    for (let j = 0; j < m; j++) {
      idc.addHashed(tuples, j * w, hashes[j]!);
      if (idc.size >= c.maxDistinct) flushCompiled(c);
    }
    m = 0;
  };
  // A run of low-cardinality fields at the end of the line: looked up whole, before it is split.
  const group = c.groupAtEnd ? c.group : undefined;
  const gfl = c.groupFirstLine;
  for (let i = 0; i < count; i++) {
    const s = starts[i]!;
    const e = ends[i]!;
    if (group !== undefined) {
      const at = splitPrefix(buf, s, e, fields, gfl);
      const r = at < 0 ? -1 : group.find(buf, at, e > at && buf[e - 1] === 13 ? e - 1 : e);
      if (r >= 0 && parseTime(buf, fields.starts[0]!, fields.ends[0]!) >= 0) {
        internEvent(c, buf, r);
        for (let q = 0, o = m * w; q < w; q++, o++) tuples[o] = ids[q]!;
        hashes[m] = idc.hash(ids, 0);
        if (++m === CHUNK) drain();
        events++;
        continue;
      }
    }
    const n = splitFields(buf, s, e, fields);
    if (n !== fc || parseTime(buf, fields.starts[0]!, fields.ends[0]!) < 0) {
      if (e === s || (e === s + 1 && buf[s] === 13)) continue; // blank line (e.g. a final newline)
      if (opts.onReject === "throw") {
        drain();
        const why = n !== fc ? `expected ${fc} fields, got ${n}` : `time is not a non-negative integer`;
        throw new Error(`${MODULE}: ${opts.source}: line ${opts.firstLine + i}: ${schema.stream}: ${why}`);
      }
      rejected++;
      continue;
    }
    internEvent(c, buf);
    for (let q = 0, o = m * w; q < w; q++, o++) tuples[o] = ids[q]!;
    hashes[m] = idc.hash(ids, 0);
    if (++m === CHUNK) drain();
    events++;
  }
  drain();
  return { events, rejected };
}

/**
 * Builds (adds to `builder`) the graph of one stream's lines held in one
 * buffer (newline-separated). Convenience for tests, notebooks and benches.
 *
 * @example
 * const b = new CompactBuilder();
 * addText(b, allCategoryNoAttr().plan(SCHEMAS.dns), SCHEMAS.dns, "2,C4653,C5030\n3,C4653,C1\n");
 * b.edgeCount; // 2
 */
export function addText(builder: GraphBuilder, plan: EventPlan, schema: StreamSchema, text: string | Uint8Array, options: AddLinesOptions = {}): AddLinesResult {
  const buf = typeof text === "string" ? Buffer.from(text, "utf8") : text;
  const { starts, ends, count } = lineOffsets(buf);
  return addLines(builder, plan, schema, buf, starts, ends, count, options);
}

/** Start/end offsets of the lines of `buf` (split at `\n`; a last line without one is kept). */
export function lineOffsets(buf: Uint8Array): { starts: Int32Array; ends: Int32Array; count: number } {
  // Newlines found by the native indexOf (several times faster than a JS byte loop).
  const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const len = b.length;
  let count = 0;
  for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) count++;
  if (len > 0 && b[len - 1] !== 10) count++;
  const starts = new Int32Array(count);
  const ends = new Int32Array(count);
  let k = 0;
  let s = 0;
  for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) {
    starts[k] = s;
    ends[k] = i > s && b[i - 1] === 13 ? i - 1 : i;
    k++;
    s = i + 1;
  }
  if (s < len) {
    starts[k] = s;
    ends[k] = b[len - 1] === 13 ? len - 1 : len;
  }
  return { starts, ends, count };
}
