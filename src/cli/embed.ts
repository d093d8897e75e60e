/**
 * `telemetry-lab embed <command>`: structural embeddings of one graph.
 *
 * - `features GRAPH [--preset graphrole|llnl] [--out FILE]`: ReFeX features of a `.tlg`/`.tlg.gz`
 *   graph or a TSV edge list (`u<TAB>v<TAB>weight`, gzip or not), as CSV `node,<features>`.
 * - `roles FEATURES.csv [--preset graphrole|llnl] [--roles K] --out DIR`: RolX roles of a
 *   feature table: `DIR/roles.csv` (`node,role_0..role_{K-1},role`) and `DIR/model.json`.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { choiceOptionError, parseCommand } from "./args.js";
import { writeFileAtomic } from "../io/atomic.js";
import type { Csr } from "../graph/csr.js";
import { decodeGraph, TLG_MAGIC } from "../graph/format/tlg.js";
import { parseTsv } from "../graph/format/export.js";
import { matrix, type Matrix } from "../embedding/matrix.js";
import { refex, type FeatureTable, type RefexPreset } from "../embedding/refex.js";
import { rolx } from "../embedding/rolx.js";

const PRESETS: readonly RefexPreset[] = ["graphrole", "llnl"];

const USAGE = `usage: telemetry-lab embed <command> [options]

commands:
  features GRAPH [--preset graphrole|llnl] [--out FILE]
      ReFeX recursive structural features of every vertex of GRAPH (a .tlg/.tlg.gz file written
      by 'lanl graphs', or a TSV edge list u<TAB>v<TAB>weight, gzipped or not), as CSV with the
      header node,<feature names> and one row per vertex (values as the shortest decimal text
      that reads back to the same double), to stdout or atomically to FILE.
  roles FEATURES.csv [--preset graphrole|llnl] [--roles K] --out DIR
      RolX roles of a feature table (as written by 'embed features'): the number of roles and
      bits chosen by MDL unless --roles is given. Writes DIR/roles.csv
      (node,role_0..role_{K-1},role: memberships and the hard role) and DIR/model.json
      (roles, bits, nmfRelErr, the MDL grid, the role-feature matrix F).

presets:
  graphrole  (default) exactly graphrole 1.1.1's features, NMF(init='nndsvda', solver='mu') and MDL grid
  llnl       Henderson's reference variant: binned features, Lloyd-Max, Huffman and Gaussian costs
`;

/** The CSV text of a number: the shortest decimal that reads back to the same double. */
export function csvNumber(x: number): string {
  return Number.isNaN(x) ? "NaN" : String(x);
}

/** A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180). */
export function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Reads a graph: `.tlg`/`.tlg.gz` by its magic bytes, else a TSV edge list (gzip or not). */
export function readAnyGraph(path: string): Csr {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new Error(`telemetry-lab embed: ${path}: cannot read the graph (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (err) {
      throw new Error(`telemetry-lab embed: ${path}: not a valid gzip file (${(err as Error).message})`);
    }
  }
  const magic = Buffer.from(bytes.subarray(0, TLG_MAGIC.length)).toString("latin1");
  if (magic === TLG_MAGIC) return decodeGraph(bytes, path);
  return parseTsv(Buffer.from(bytes).toString("utf8"), path);
}

/** A feature table as CSV text: `node,<names>`, one row per vertex. */
export function featuresCsv(t: FeatureTable): string {
  const out: string[] = [["node", ...t.names].map(csvField).join(",")];
  for (let i = 0; i < t.nodes.length; i++) {
    let line = csvField(t.nodes[i]!);
    for (const col of t.columns) line += "," + csvNumber(col[i]!);
    out.push(line);
  }
  return out.join("\n") + "\n";
}

function splitCsvLine(line: string, source: string, lineNo: number): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let s = "";
      i++;
      for (;;) {
        if (i >= line.length) throw new Error(`telemetry-lab embed: ${source}: line ${lineNo}: unterminated quoted field`);
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            s += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        s += line[i++];
      }
      if (i < line.length && line[i] !== ",") throw new Error(`telemetry-lab embed: ${source}: line ${lineNo}: text after a quoted field`);
      out.push(s);
      i++;
    } else {
      const j = line.indexOf(",", i);
      const end = j < 0 ? line.length : j;
      out.push(line.slice(i, end));
      i = end + 1;
    }
  }
  return out;
}

/** Parses a feature CSV (`node,<features>`): vertex names, feature names and the matrix. */
export function parseFeaturesCsv(text: string, source: string): { nodes: string[]; features: string[]; V: Matrix } {
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  if (lines.length === 0) throw new Error(`telemetry-lab embed: ${source}: empty file; expected a header node,<features>`);
  const header = splitCsvLine(lines[0]!, source, 1);
  if (header[0] !== "node" || header.length < 2) throw new Error(`telemetry-lab embed: ${source}: line 1: expected a header 'node,<feature names>', got '${lines[0]!.slice(0, 80)}'`);
  const features = header.slice(1);
  const n = lines.length - 1;
  const V = matrix(n, features.length);
  const nodes: string[] = [];
  for (let i = 0; i < n; i++) {
    const f = splitCsvLine(lines[i + 1]!, source, i + 2);
    if (f.length !== header.length) throw new Error(`telemetry-lab embed: ${source}: line ${i + 2}: expected ${header.length} fields, got ${f.length}`);
    nodes.push(f[0]!);
    for (let j = 1; j < f.length; j++) {
      const x = Number(f[j]);
      if (f[j] === "" || !Number.isFinite(x) || x < 0) throw new Error(`telemetry-lab embed: ${source}: line ${i + 2}: feature '${features[j - 1]}' must be a finite non-negative number, got '${f[j]}'`);
      V.data[i * features.length + j - 1] = x;
    }
  }
  return { nodes, features, V };
}

function preset(name: string, value: string | undefined): RefexPreset | undefined {
  const usageError = choiceOptionError(name, "preset", value, PRESETS);
  if (usageError !== undefined) {
    process.stderr.write(`${usageError}\n`);
    return undefined;
  }
  return (value ?? "graphrole") as RefexPreset;
}

async function featuresCommand(argv: string[]): Promise<number> {
  const name = "telemetry-lab embed features";
  const parsed = parseCommand(argv, { name, usage: USAGE, positionals: 1, positionalName: "GRAPH", options: { preset: { type: "string" }, out: { type: "string", short: "o" } } });
  if (typeof parsed === "number") return parsed;
  const p = preset(name, parsed.values.preset);
  if (p === undefined) return 2;
  try {
    const g = readAnyGraph(parsed.positionals[0]!);
    const text = featuresCsv(refex(g, { preset: p }));
    if (parsed.values.out !== undefined) writeFileAtomic(parsed.values.out, text);
    else process.stdout.write(text);
    return 0;
  } catch (err) {
    process.stderr.write(`${name}: ${(err as Error).message}\n`);
    return 1;
  }
}

async function rolesCommand(argv: string[]): Promise<number> {
  const name = "telemetry-lab embed roles";
  const parsed = parseCommand(argv, { name, usage: USAGE, positionals: 1, positionalName: "FEATURES.csv", options: { preset: { type: "string" }, roles: { type: "string" }, out: { type: "string", short: "o" } } });
  if (typeof parsed === "number") return parsed;
  const v = parsed.values;
  const p = preset(name, v.preset);
  if (p === undefined) return 2;
  if (v.out === undefined) {
    process.stderr.write(`${name}: --out DIR is required\n\n${USAGE}`);
    return 2;
  }
  if (v.roles !== undefined && !/^[1-9]\d*$/.test(v.roles)) {
    process.stderr.write(`${name}: --roles must be a positive integer, got '${v.roles}'\n`);
    return 2;
  }
  try {
    const file = parsed.positionals[0]!;
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (err) {
      throw new Error(`${file}: cannot read the feature table (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    const { nodes, features, V } = parseFeaturesCsv(text, file);
    const r = rolx(V, features, { preset: p, roles: v.roles === undefined ? undefined : Number(v.roles) });
    const k = r.model.roles;
    const out: string[] = [["node", ...Array.from({ length: k }, (_, j) => `role_${j}`), "role"].join(",")];
    for (let i = 0; i < nodes.length; i++) {
      let line = csvField(nodes[i]!);
      for (let j = 0; j < k; j++) line += "," + csvNumber(r.memberships.data[i * k + j]!);
      out.push(line + "," + r.hard[i]);
    }
    writeFileAtomic(join(v.out, "roles.csv"), out.join("\n") + "\n");
    const m = r.model;
    writeFileAtomic(join(v.out, "model.json"), JSON.stringify({ ...m, F: { rows: m.F.rows, cols: m.F.cols, data: Array.from(m.F.data) } }, null, 1) + "\n");
    process.stdout.write(`${nodes.length} vertices, ${features.length} features: ${k} roles, ${m.bits} bits, NMF relative error ${m.nmfRelErr.toPrecision(4)}; wrote ${join(v.out, "roles.csv")} and model.json\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`${name}: ${(err as Error).message}\n`);
    return 1;
  }
}

export async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "-h" || command === "--help") {
    process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === "features") return featuresCommand(rest);
  if (command === "roles") return rolesCommand(rest);
  process.stderr.write(`telemetry-lab embed: unknown command '${command}'\n\n${USAGE}`);
  return 2;
}
