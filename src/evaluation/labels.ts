/**
 * Ground truth from the LANL red-team labels, at the units of `lanl-method.md` §1e.
 *
 * A red-team label `time,user@domain,src,dst` is a compromise logon; it is read as the auth
 * event it stands for (source user = destination user = `user@domain`, source computer =
 * src, destination computer = dst) and the graph architecture's auth plan names its
 * artifacts (`eventArtifacts` in `src/graph/arch/arch.ts`), so that `types: "field"`
 * (`computer_source::C17693`) and `types: "entity"` (`computer::C17693`) both work. Only
 * the four entity fields count (users and computers): the labels say nothing of the auth
 * type or logon type hubs.
 *
 * Units (positives):
 * - **entity-interval**: a vertex is positive in an interval when it is an artifact of a
 *   red-team event in that interval; per role (`source-computer`, `destination-computer`,
 *   `user`: source and destination user fields) and overall. With `types: "field"` one
 *   user gives two vertices (`userdomain_source::U`, `userdomain_destination::U`), both
 *   positive.
 * - **interval**: an interval is positive when it holds a red-team event.
 * - **event**: an auth event is positive when it matches a label on (time, source user,
 *   source computer, destination computer), the usual join (§1a, "redteam.txt").
 * - **edge-snapshot**: a directed computer pair (src, dst) is positive in an interval when
 *   a label has that src and dst in it (Argus's and Euler's unit, §1e).
 *
 * Interval arithmetic: `src/time/interval.ts` (UTC, anchored at the origin). The scoring
 * of these units (which rows are candidates, how a row's score is made) is in `units.ts`.
 */
import type { RedteamEvent } from "../lanl/redteam.js";
import { SCHEMAS } from "../lanl/schema.js";
import { eventArtifacts, type EventPlan, type GraphArch } from "../graph/arch/arch.js";
import { allCategoryNoAttr } from "../graph/arch/all-category-no-attr.js";
import { DEFAULT_ORIGIN, intervalStartName, parseIsoUtc } from "../time/interval.js";

const MODULE = "telemetry-lab/evaluation/labels";

/** The role of an entity artifact in an auth event. */
export type EntityRole = "source-computer" | "destination-computer" | "user";

/** The roles, in report order. */
export const ENTITY_ROLES: readonly EntityRole[] = Object.freeze(["source-computer", "destination-computer", "user"] as EntityRole[]);

/** Bit of each role in a role mask. */
export const ROLE_BITS: Readonly<Record<EntityRole, number>> = Object.freeze({
  "source-computer": 1,
  "destination-computer": 2,
  user: 4,
});

/** The auth fields that name entities, with their role. */
export const ENTITY_FIELDS: Readonly<Record<string, EntityRole>> = Object.freeze({
  userdomain_source: "user",
  userdomain_destination: "user",
  computer_source: "source-computer",
  computer_destination: "destination-computer",
});

/** Options of {@link groundTruth}. */
export interface LabelsOptions {
  /** Interval length in seconds. Default 3600. */
  intervalSeconds?: number;
  /** The data set's origin (LANL t = 0), naive ISO read as UTC. Default 2015-01-01T00:00:00. */
  origin?: string;
  /** The graph architecture naming the vertices. Default `all-category-no-attr` with its defaults. */
  arch?: GraphArch;
}

/** Defaults of {@link LabelsOptions}. */
export const LABELS_DEFAULTS = Object.freeze({ intervalSeconds: 3600, origin: DEFAULT_ORIGIN });

/** The architecture's auth plan restricted to the entity fields, and each field's role. */
export interface EntityPlan {
  /** The auth plan with only the entity fields (in schema order). */
  readonly plan: EventPlan;
  /** Role of each field of `plan`. */
  readonly roles: readonly EntityRole[];
  /** Vertex types of each role (the prefixes before `::`). */
  readonly roleTypes: Readonly<Record<EntityRole, readonly string[]>>;
  /** Every entity vertex type. */
  readonly types: ReadonlySet<string>;
}

/** Red-team labels at every unit, for one interval grid and one architecture. */
export interface GroundTruth {
  readonly intervalSeconds: number;
  readonly origin: string;
  /** Name of the architecture. */
  readonly arch: string;
  readonly entityPlan: EntityPlan;
  /** The architecture's full auth plan (entity and hub fields). */
  readonly authPlan: EventPlan;
  /** The labels, as given. */
  readonly events: readonly RedteamEvent[];
  /** Interval start (ISO) → positive vertex name → role mask ({@link ROLE_BITS}). */
  readonly entities: ReadonlyMap<string, ReadonlyMap<string, number>>;
  /** Interval start (ISO) → positive directed computer pairs ({@link pairKey}). */
  readonly pairs: ReadonlyMap<string, ReadonlySet<string>>;
  /** Interval start (ISO) → label keys ({@link eventKey}) for the event join. */
  readonly eventKeys: ReadonlyMap<string, ReadonlySet<string>>;
  /** Interval start (ISO) → label times (seconds since the origin), for a fast pre-check of the join. */
  readonly eventTimes: ReadonlyMap<string, ReadonlySet<number>>;
}

/**
 * The key of an auth event for the red-team join: (time, source user, src, dst).
 *
 * @example
 * eventKey(150885, "U620@DOM1", "C17693", "C1003"); // "150885,U620@DOM1,C17693,C1003"
 */
export function eventKey(time: number, user: string, src: string, dst: string): string {
  return `${time},${user},${src},${dst}`;
}

/**
 * The key of a directed computer pair.
 *
 * @example
 * pairKey("C17693", "C1003"); // "C17693\tC1003"
 */
export function pairKey(src: string, dst: string): string {
  return `${src}\t${dst}`;
}

/**
 * The type of a vertex name (before the first `::`), or "" without one.
 *
 * @example
 * vertexType("computer_source::C17693"); // "computer_source"
 */
export function vertexType(name: string): string {
  const k = name.indexOf("::");
  return k < 0 ? "" : name.slice(0, k);
}

/**
 * The entity part of an architecture's auth plan.
 *
 * @throws when the architecture keeps no entity field of auth.
 * @example
 * entityPlan(allCategoryNoAttr({ types: "entity" })).roleTypes;
 * // { "source-computer": ["computer"], "destination-computer": ["computer"], user: ["userdomain"] }
 */
export function entityPlan(arch: GraphArch): EntityPlan {
  const full = arch.plan(SCHEMAS.auth);
  const fields = full.fields.filter((f) => f.field in ENTITY_FIELDS);
  if (fields.length === 0) throw new Error(`${MODULE}: architecture '${arch.name}' makes no user or computer artifact of auth events`);
  const plan: EventPlan = Object.freeze({ ...full, fields: Object.freeze(fields), edges: "clique" as const });
  const roles = fields.map((f) => ENTITY_FIELDS[f.field]!);
  const roleTypes: Record<EntityRole, string[]> = { "source-computer": [], "destination-computer": [], user: [] };
  fields.forEach((f, i) => {
    const list = roleTypes[roles[i]!];
    if (!list.includes(f.type)) list.push(f.type);
  });
  return Object.freeze({
    plan,
    roles: Object.freeze(roles),
    roleTypes: Object.freeze(roleTypes),
    types: new Set(fields.map((f) => f.type)),
  });
}

/** The auth field values (after `time`) of a red-team label read as an auth event. */
function labelAsAuth(e: RedteamEvent): string[] {
  // userdomain_source, userdomain_destination, computer_source, computer_destination, then
  // the four hub fields, which the entity plan does not read.
  return [e.user, e.user, e.src, e.dst, "NTLM", "Network", "LogOn", "Success"];
}

/**
 * The entity artifacts of one red-team label, with their role masks.
 *
 * @example
 * labelArtifacts(entityPlan(allCategoryNoAttr()), { time: 1, user: "U1@DOM1", src: "C1", dst: "C2" });
 * // Map { "userdomain_source::U1@DOM1" => 4, "userdomain_destination::U1@DOM1" => 4,
 * //       "computer_source::C1" => 1, "computer_destination::C2" => 2 }
 */
export function labelArtifacts(ep: EntityPlan, e: RedteamEvent): Map<string, number> {
  const out = new Map<string, number>();
  const values = labelAsAuth(e);
  // eventArtifacts drops the slots of missing values (dropMissing): map slot by slot.
  ep.plan.fields.forEach((f, i) => {
    const one: EventPlan = { ...ep.plan, fields: [f] };
    const [name] = eventArtifacts(one, values);
    if (name !== undefined) out.set(name, (out.get(name) ?? 0) | ROLE_BITS[ep.roles[i]!]);
  });
  return out;
}

/**
 * Ground truth at every unit from red-team labels: per interval, the positive vertices
 * with their roles and the positive computer pairs; the label keys for the event join.
 *
 * @throws on a bad interval, origin, or a label time that is not a non-negative integer.
 * @example
 * const gt = groundTruth([{ time: 150885, user: "U620@DOM1", src: "C17693", dst: "C1003" }]);
 * gt.entities.get("2015-01-02T17:00:00");
 * // Map { "userdomain_source::U620@DOM1" => 4, "userdomain_destination::U620@DOM1" => 4,
 * //       "computer_source::C17693" => 1, "computer_destination::C1003" => 2 }
 * gt.pairs.get("2015-01-02T17:00:00"); // Set { "C17693\tC1003" }
 */
export function groundTruth(events: readonly RedteamEvent[], options: LabelsOptions = {}): GroundTruth {
  const intervalSeconds = options.intervalSeconds ?? LABELS_DEFAULTS.intervalSeconds;
  const origin = options.origin ?? LABELS_DEFAULTS.origin;
  if (!Number.isSafeInteger(intervalSeconds) || intervalSeconds <= 0) {
    throw new Error(`${MODULE}: intervalSeconds must be a positive whole number, got ${intervalSeconds}`);
  }
  try {
    parseIsoUtc(origin);
  } catch (e) {
    throw new Error(`${MODULE}: origin: ${(e as Error).message}`);
  }
  const arch = options.arch ?? allCategoryNoAttr();
  const ep = entityPlan(arch);
  const entities = new Map<string, Map<string, number>>();
  const pairs = new Map<string, Set<string>>();
  const eventKeys = new Map<string, Set<string>>();
  const eventTimes = new Map<string, Set<number>>();
  events.forEach((e, i) => {
    if (!Number.isSafeInteger(e.time) || e.time < 0) throw new Error(`${MODULE}: label ${i + 1}: time ${e.time} is not a non-negative integer`);
    const start = intervalStartName(e.time, intervalSeconds, origin);
    let m = entities.get(start);
    if (m === undefined) entities.set(start, (m = new Map()));
    for (const [name, bits] of labelArtifacts(ep, e)) m.set(name, (m.get(name) ?? 0) | bits);
    let p = pairs.get(start);
    if (p === undefined) pairs.set(start, (p = new Set()));
    p.add(pairKey(e.src, e.dst));
    let k = eventKeys.get(start);
    if (k === undefined) eventKeys.set(start, (k = new Set()));
    k.add(eventKey(e.time, e.user, e.src, e.dst));
    let t = eventTimes.get(start);
    if (t === undefined) eventTimes.set(start, (t = new Set()));
    t.add(e.time);
  });
  return Object.freeze({ intervalSeconds, origin, arch: arch.name, entityPlan: ep, authPlan: arch.plan(SCHEMAS.auth), events, entities, pairs, eventKeys, eventTimes });
}

/** Role selector: one role or every entity (`all`). */
export type RoleSelector = EntityRole | "all";

/** The candidates of one interval at the entity-interval unit, for one role. */
export interface EntityCandidates {
  /** Indices into `nodes` of the candidates. */
  readonly rows: Uint32Array;
  /** Label of each candidate (1 = positive). */
  readonly labels: Uint8Array;
  /** Positive vertices of the role missing from `nodes` (ranked with score NaN by `evaluate`). */
  readonly missing: readonly string[];
}

/**
 * The entity-interval candidates of one interval: the vertices of `nodes` whose type is an
 * entity type of `role` (every user and computer type for `all`), labelled by
 * {@link GroundTruth.entities}. For one role, a vertex positive only in other roles is left
 * out (it is neither a positive nor a fair negative of this role; possible with
 * `types: "entity"`, where `computer::C1` may be a red-team source and another label's
 * destination). Positives absent from `nodes` are listed in `missing`.
 *
 * @example
 * const gt = groundTruth([{ time: 10, user: "U1@DOM1", src: "C1", dst: "C2" }]);
 * entityCandidates(gt, "2015-01-01T00:00:00",
 *   ["auth::NTLM", "computer_source::C1", "computer_source::C3", "computer_destination::C2"], "source-computer");
 * // { rows: Uint32Array [1, 2], labels: Uint8Array [1, 0], missing: [] }
 */
export function entityCandidates(gt: GroundTruth, start: string, nodes: readonly string[], role: RoleSelector = "all"): EntityCandidates {
  const types = role === "all" ? gt.entityPlan.types : new Set(gt.entityPlan.roleTypes[role]);
  const bit = role === "all" ? 7 : ROLE_BITS[role];
  const positives = gt.entities.get(start);
  const rows: number[] = [];
  const labels: number[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < nodes.length; i++) {
    const name = nodes[i]!;
    if (!types.has(vertexType(name))) continue;
    const mask = positives?.get(name) ?? 0;
    if (mask !== 0 && (mask & bit) === 0) continue;
    rows.push(i);
    labels.push(mask & bit ? 1 : 0);
    if (mask & bit) seen.add(name);
  }
  const missing: string[] = [];
  if (positives !== undefined) {
    for (const [name, mask] of positives) if (mask & bit && types.has(vertexType(name)) && !seen.has(name)) missing.push(name);
  }
  return { rows: Uint32Array.from(rows), labels: Uint8Array.from(labels), missing };
}

/**
 * Whether an interval holds a red-team label (the interval unit).
 *
 * @example
 * isPositiveInterval(groundTruth([{ time: 7300, user: "U1@DOM1", src: "C1", dst: "C2" }]), "2015-01-01T02:00:00"); // true
 */
export function isPositiveInterval(gt: GroundTruth, start: string): boolean {
  return gt.entities.has(start);
}

/**
 * The positive computer pairs of an interval (edge-snapshot unit), as [src, dst].
 *
 * @example
 * positivePairs(groundTruth([{ time: 10, user: "U1@DOM1", src: "C1", dst: "C2" }]), "2015-01-01T00:00:00"); // [["C1", "C2"]]
 */
export function positivePairs(gt: GroundTruth, start: string): [string, string][] {
  const p = gt.pairs.get(start);
  if (p === undefined) return [];
  return [...p].map((k) => k.split("\t") as [string, string]);
}
