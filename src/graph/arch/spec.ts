/**
 * Architecture specs: an architecture name with its options, as text or JSON, for
 * `lanl compare --archs` and notebooks (issue 10).
 *
 * Compact text form: `name` or `name:option,option=value,...`, e.g.
 * `all-category-no-attr:dropMissing,exclude=hubs`, `shallow:types=entity`. A bare
 * option is `true`; list values join their items with `+` (`exclude=auth+logon`);
 * `none` is the empty list. Several specs join with `;` or `,` (a comma-separated item
 * that is not an option name starts a new spec). JSON form: `{"arch": "shallow",
 * "options": {"types": "entity"}}`, or an array of them.
 *
 * Grid form (ablations): option values with `|` alternatives expand to every
 * combination, e.g. `all-category-no-attr:exclude=hubs|none,dropMissing=true|false`
 * gives four specs.
 *
 * Specs are normalised so that options equal in effect are equal in text: lists sorted
 * and deduplicated, the hub list written `hubs`, options at the architecture's default
 * left out. The folder name of the experiment (`archFolderName`) is then the cache key.
 */
import { ARCH_DEFAULTS, ENTITY_TYPES, HUB_FIELDS, type ArchOptions } from "./arch.js";
import { archNames, getArch } from "./registry.js";

const MODULE = "telemetry-lab/graph/arch/spec";

/** An architecture with its options (the JSON form). */
export interface ArchSpecValue {
  readonly arch: string;
  readonly options: ArchOptions;
}

const OPTION_NAMES = Object.keys(ARCH_DEFAULTS) as (keyof ArchOptions)[];
const BOOLEAN_OPTIONS = new Set(["dropMissing", "pandasNa"]);

function fail(text: string, message: string): never {
  throw new Error(`${MODULE}: '${text}': ${message}`);
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

function closest(word: string, candidates: readonly string[]): string {
  const lower = word.toLowerCase();
  let best = "";
  let bestD = 3;
  for (const c of candidates) {
    const d = distance(lower, c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best === "" ? "" : ` (did you mean '${best}'?)`;
}

function checkArch(name: string, text: string): void {
  const known = archNames();
  if (!known.includes(name)) fail(text, `unknown architecture '${name}'${closest(name, known)}; known: ${known.join(", ")}`);
}

function parseValue(key: string, value: string | undefined, text: string): unknown {
  if (!(OPTION_NAMES as string[]).includes(key)) {
    fail(text, `unknown option '${key}'${closest(key, OPTION_NAMES)}; options: ${OPTION_NAMES.join(", ")}`);
  }
  if (BOOLEAN_OPTIONS.has(key)) {
    if (value === undefined || value === "true") return true;
    if (value === "false") return false;
    fail(text, `option ${key} is true or false, got '${value}'`);
  }
  if (value === undefined || value === "") fail(text, `option ${key} needs a value (${key}=...)`);
  switch (key) {
    case "types":
      if (value !== "field" && value !== "entity") fail(text, `option types is field or entity in text form (a map only in JSON), got '${value}'`);
      return value;
    case "duplicates":
      if (value !== "networkx" && value !== "set") fail(text, `option duplicates is networkx or set, got '${value}'`);
      return value;
    case "exclude":
      if (value === "hubs") return "hubs";
      return value === "none" ? [] : value.split("+");
    case "bins":
      if (value === "all") return "all";
      return value === "none" ? [] : value.split("+");
  }
  return fail(text, `option ${key} has no text form`);
}

/**
 * The normal form of a spec: validated by the architecture, lists sorted and
 * deduplicated, the hub list as `hubs`, the entity map as `entity`, options equal to
 * the architecture's defaults left out.
 *
 * @throws when the name or an option is unknown or invalid.
 * @example
 * normalizeSpec({ arch: "shallow", options: { exclude: ["logon", "auth"], dropMissing: false } });
 * // { arch: "shallow", options: { exclude: ["auth", "logon"] } }
 */
export function normalizeSpec(spec: ArchSpecValue, text = JSON.stringify(spec)): ArchSpecValue {
  if (typeof spec !== "object" || spec === null || typeof spec.arch !== "string") fail(text, `a spec is {"arch": NAME, "options": {...}}`);
  checkArch(spec.arch, text);
  const raw = spec.options ?? {};
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) fail(text, "options must be an object");
  const given: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (!(OPTION_NAMES as string[]).includes(k)) fail(text, `unknown option '${k}'${closest(k, OPTION_NAMES)}; options: ${OPTION_NAMES.join(", ")}`);
    let x: unknown = v;
    if ((k === "exclude" || k === "bins") && Array.isArray(v)) {
      for (const item of v) if (typeof item !== "string" || item === "") fail(text, `option ${k} lists field names, got ${JSON.stringify(item)}`);
      const sorted = [...new Set(v as string[])].sort();
      x = k === "exclude" && sorted.length === HUB_FIELDS.length && [...HUB_FIELDS].sort().every((f, i) => f === sorted[i]) ? "hubs" : sorted;
    }
    if (k === "types" && typeof v === "object" && v !== null) {
      const entries = Object.entries(v as Record<string, unknown>).filter(([f, t]) => t !== f);
      for (const [, t] of entries) if (typeof t !== "string" || t === "") fail(text, "option types maps field names to type names");
      const m = Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
      const ent = Object.entries(ENTITY_TYPES);
      x = entries.length === 0 ? "field" : ent.length === entries.length && ent.every(([f, t]) => m[f] === t) ? "entity" : m;
    }
    if (BOOLEAN_OPTIONS.has(k) && typeof v !== "boolean") fail(text, `option ${k} is true or false, got ${JSON.stringify(v)}`);
    given[k] = x;
  }
  let resolved: Readonly<Required<ArchOptions>>;
  let defaults: Readonly<Required<ArchOptions>>;
  try {
    resolved = getArch(spec.arch, given as ArchOptions).options;
    defaults = getArch(spec.arch).options;
  } catch (err) {
    fail(text, (err as Error).message.replace(/^telemetry-lab\/graph\/arch(\/registry)?: /, ""));
  }
  const options: Record<string, unknown> = {};
  for (const k of OPTION_NAMES) {
    if (!(k in given)) continue;
    if (JSON.stringify(resolved[k]) === JSON.stringify(defaults[k])) continue;
    options[k] = given[k];
  }
  return Object.freeze({ arch: spec.arch, options: Object.freeze(options) as ArchOptions });
}

function parseOne(text: string): ArchSpecValue {
  const t = text.trim();
  if (t === "") fail(text, "empty architecture spec (two separators in a row?)");
  const colon = t.indexOf(":");
  const name = colon < 0 ? t : t.slice(0, colon);
  checkArch(name, t);
  const options: Record<string, unknown> = {};
  if (colon >= 0) {
    const rest = t.slice(colon + 1);
    if (rest.trim() === "") fail(t, "no option after ':'");
    for (const part of rest.split(",")) {
      const p = part.trim();
      if (p === "") fail(t, "empty option (two commas?)");
      const eq = p.indexOf("=");
      const key = eq < 0 ? p : p.slice(0, eq);
      if (key in options) fail(t, `option ${key} given twice`);
      options[key] = parseValue(key, eq < 0 ? undefined : p.slice(eq + 1), t);
    }
  }
  return normalizeSpec({ arch: name, options: options as ArchOptions }, t);
}

function splitSpecs(text: string): string[] {
  const out: string[] = [];
  for (const group of text.split(";")) {
    for (const item of group.split(",")) {
      const key = item.trim().split("=")[0]!;
      const continues = out.length > 0 && !item.includes(":") && (OPTION_NAMES as string[]).includes(key) && out[out.length - 1]!.includes(":");
      if (continues) out[out.length - 1] += "," + item;
      else out.push(item);
    }
    out.push("\u0000");
  }
  return out.filter((s) => s !== "\u0000");
}

/**
 * Parses one or more specs, text or JSON (see the module comment).
 *
 * @throws with the offending text and what is allowed, for an unknown architecture or
 *   option, a bad value, or malformed JSON.
 * @example
 * parseArchSpecs("all-category-no-attr:dropMissing,exclude=hubs,shallow:types=entity");
 * // [{ arch: "all-category-no-attr", options: { dropMissing: true, exclude: "hubs" } },
 * //  { arch: "shallow", options: { types: "entity" } }]
 */
export function parseArchSpecs(text: string): ArchSpecValue[] {
  const t = text.trim();
  if (t.startsWith("{") || t.startsWith("[")) {
    let json: unknown;
    try {
      json = JSON.parse(t);
    } catch (err) {
      fail(text, `malformed JSON: ${(err as Error).message}`);
    }
    const list = Array.isArray(json) ? json : [json];
    return list.map((s) => {
      const o = s as Record<string, unknown>;
      if (typeof o !== "object" || o === null) fail(JSON.stringify(s), `a spec is {"arch": NAME, "options": {...}}`);
      for (const k of Object.keys(o)) if (k !== "arch" && k !== "options") fail(JSON.stringify(s), `unknown key '${k}'; a spec has arch and options`);
      return normalizeSpec(o as unknown as ArchSpecValue, JSON.stringify(s));
    });
  }
  return splitSpecs(t).map(parseOne);
}

/**
 * Parses one spec.
 *
 * @example
 * parseArchSpec("shallow:types=entity"); // { arch: "shallow", options: { types: "entity" } }
 */
export function parseArchSpec(text: string): ArchSpecValue {
  const specs = parseArchSpecs(text);
  if (specs.length !== 1) fail(text, `expected one architecture, got ${specs.length}`);
  return specs[0]!;
}

/**
 * Expands a grid: `|` alternatives in option values give every combination, in
 * order (the first option varies slowest). Several grids join with `;`. A spec
 * without `|` is itself. Duplicates (equal after normalisation) are dropped.
 *
 * @example
 * expandGrid("all-category-no-attr:exclude=hubs|none,dropMissing=true|false").map(formatArchSpec);
 * // ["all-category-no-attr:dropMissing,exclude=hubs", "all-category-no-attr:exclude=hubs",
 * //  "all-category-no-attr:dropMissing", "all-category-no-attr"]
 */
export function expandGrid(text: string): ArchSpecValue[] {
  const out: ArchSpecValue[] = [];
  const seen = new Set<string>();
  for (const g of text.split(";")) {
    const t = g.trim();
    if (t === "") continue;
    const colon = t.indexOf(":");
    const name = colon < 0 ? t : t.slice(0, colon);
    const names = name.split("|");
    const parts = colon < 0 ? [] : t.slice(colon + 1).split(",");
    const axes = parts.map((p) => {
      const eq = p.indexOf("=");
      if (eq < 0) return [p.trim()];
      return p.slice(eq + 1).split("|").map((v) => `${p.slice(0, eq).trim()}=${v.trim()}`);
    });
    let combos: string[][] = [[]];
    for (const axis of [names, ...axes]) combos = combos.flatMap((c) => axis.map((v) => [...c, v]));
    for (const [n, ...opts] of combos) {
      const spec = parseOne(opts.length === 0 ? n! : `${n}:${opts.join(",")}`);
      const key = formatArchSpec(spec);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(spec);
    }
  }
  if (out.length === 0) fail(text, "the grid holds no architecture");
  return out;
}

/**
 * The canonical text form of a normalised spec (options in the order of `ArchOptions`).
 *
 * @example
 * formatArchSpec({ arch: "shallow", options: { types: "entity", dropMissing: true } }); // "shallow:types=entity,dropMissing"
 */
export function formatArchSpec(spec: ArchSpecValue): string {
  const parts: string[] = [];
  const o = spec.options as Record<string, unknown>;
  for (const k of OPTION_NAMES) {
    const v = o[k];
    if (v === undefined) continue;
    if (v === true) parts.push(k);
    else if (Array.isArray(v)) parts.push(`${k}=${v.length === 0 ? "none" : v.join("+")}`);
    else if (typeof v === "object" && v !== null) parts.push(`${k}=${JSON.stringify(v)}`);
    else parts.push(`${k}=${String(v)}`);
  }
  return parts.length === 0 ? spec.arch : `${spec.arch}:${parts.join(",")}`;
}
