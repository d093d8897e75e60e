/**
 * Graph exports: TSV edge list, GEXF (Gephi) and graphology JSON, produced as
 * a sequence of text chunks so that large graphs stream to a file or stdout.
 * Output is deterministic: vertices in name order, edges by (u, v) in name order.
 *
 * - TSV: one line per undirected edge, `u<TAB>v<TAB>weight`, u <= v by name
 *   (a self-loop is `u<TAB>u<TAB>w`); integral weights as integers, others as
 *   JS shortest round-trip decimals; `\t`, `\n`, `\r` and `\\` in names escaped
 *   as `\t`, `\n`, `\r`, `\\`. No header line.
 * - GEXF 1.3 (https://gexf.net/schema.html): `defaultedgetype="undirected"`,
 *   node id = vertex index, label = name, edge `weight`.
 * - graphology JSON: the serialization format of graphology's `export()` /
 *   `import()` (https://graphology.github.io/serialization.html), an undirected
 *   graph with self-loops and a `weight` edge attribute.
 */
import { sortByName, type Csr } from "../csr.js";
import { csrFromEdges } from "../csr.js";

const MODULE = "telemetry-lab/graph/format/export";

/** Export formats. */
export type ExportFormat = "tsv" | "gexf" | "json";

/** The export format names. */
export const EXPORT_FORMATS: readonly ExportFormat[] = Object.freeze(["tsv", "gexf", "json"]);

/** Edges per chunk. */
const CHUNK_EDGES = 20000;

/**
 * A weight as text: integers without fraction or exponent, others as JS does.
 *
 * @example
 * formatWeight(3); // "3"
 * formatWeight(0.5); // "0.5"
 */
export function formatWeight(w: number): string {
  if (Number.isInteger(w)) return Math.abs(w) < 1e21 ? String(w) : BigInt(w).toString();
  return String(w);
}

function escapeTsv(s: string): string {
  return /[\t\n\r\\]/.test(s) ? s.replace(/[\t\n\r\\]/g, (c) => (c === "\t" ? "\\t" : c === "\n" ? "\\n" : c === "\r" ? "\\r" : "\\\\")) : s;
}

function unescapeTsv(s: string): string {
  return s.includes("\\") ? s.replace(/\\([tnr\\])/g, (_m, c: string) => (c === "t" ? "\t" : c === "n" ? "\n" : c === "r" ? "\r" : "\\")) : s;
}

// eslint-disable-next-line no-control-regex
const XML_INVALID = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;

function escapeXml(s: string): string {
  if (XML_INVALID.test(s)) throw new Error(`${MODULE}: vertex name ${JSON.stringify(s)} has a character XML 1.0 cannot hold`);
  return s.replace(/[&<>"']/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&quot;" : "&apos;"));
}

function* edgeChunks(g: Csr, line: (u: number, v: number, w: number, k: number) => string): Generator<string> {
  const n = g.names.length;
  let parts: string[] = [];
  let k = 0;
  for (let u = 0; u < n; u++) {
    for (let p = g.offsets[u]!; p < g.offsets[u + 1]!; p++) {
      const v = g.targets[p]!;
      if (v < u) continue;
      parts.push(line(u, v, g.weights[p]!, k++));
      if (parts.length >= CHUNK_EDGES) {
        yield parts.join("");
        parts = [];
      }
    }
  }
  if (parts.length > 0) yield parts.join("");
}

/**
 * TSV edge list chunks (see the module comment).
 *
 * @example
 * [...tsvChunks(g)].join(""); // "a\tb\t3\na\tc\t0.5\n"
 */
export function* tsvChunks(graph: Csr): Generator<string> {
  const g = sortByName(graph);
  const names = g.names.map(escapeTsv);
  yield* edgeChunks(g, (u, v, w) => `${names[u]}\t${names[v]}\t${formatWeight(w)}\n`);
}

/**
 * GEXF 1.3 chunks (see the module comment).
 *
 * @example
 * [...gexfChunks(g)].join("").startsWith('<?xml version="1.0" encoding="UTF-8"?>'); // true
 */
export function* gexfChunks(graph: Csr): Generator<string> {
  const g = sortByName(graph);
  yield '<?xml version="1.0" encoding="UTF-8"?>\n<gexf xmlns="http://gexf.net/1.3" version="1.3">\n' +
    '  <meta>\n    <creator>telemetry-lab</creator>\n  </meta>\n' +
    '  <graph mode="static" defaultedgetype="undirected">\n    <nodes>\n';
  let parts: string[] = [];
  for (let i = 0; i < g.names.length; i++) {
    parts.push(`      <node id="${i}" label="${escapeXml(g.names[i]!)}"/>\n`);
    if (parts.length >= CHUNK_EDGES) {
      yield parts.join("");
      parts = [];
    }
  }
  yield parts.join("") + "    </nodes>\n    <edges>\n";
  yield* edgeChunks(g, (u, v, w, k) => `      <edge id="${k}" source="${u}" target="${v}" weight="${formatWeight(w)}"/>\n`);
  yield "    </edges>\n  </graph>\n</gexf>\n";
}

/**
 * graphology JSON chunks (see the module comment); `UndirectedGraph.from(JSON.parse(text))` reads it.
 *
 * @example
 * JSON.parse([...jsonChunks(g)].join("")).options.type; // "undirected"
 */
export function* jsonChunks(graph: Csr): Generator<string> {
  const g = sortByName(graph);
  const names = g.names.map((s) => JSON.stringify(s));
  yield '{"options":{"type":"undirected","multi":false,"allowSelfLoops":true},"attributes":{},"nodes":[';
  let parts: string[] = [];
  for (let i = 0; i < names.length; i++) {
    parts.push(`${i > 0 ? "," : ""}{"key":${names[i]}}`);
    if (parts.length >= CHUNK_EDGES) {
      yield parts.join("");
      parts = [];
    }
  }
  yield parts.join("") + '],"edges":[';
  yield* edgeChunks(g, (u, v, w, k) => `${k > 0 ? "," : ""}{"source":${names[u]},"target":${names[v]},"attributes":{"weight":${formatWeight(w)}}}`);
  yield "]}\n";
}

/** Chunks of `graph` in `format`. */
export function exportChunks(graph: Csr, format: ExportFormat): Generator<string> {
  if (format === "tsv") return tsvChunks(graph);
  if (format === "gexf") return gexfChunks(graph);
  if (format === "json") return jsonChunks(graph);
  throw new Error(`${MODULE}: unknown format '${String(format)}'; expected ${EXPORT_FORMATS.join(", ")}`);
}

/** The whole export as one string (small graphs). */
export function exportGraph(graph: Csr, format: ExportFormat): string {
  return [...exportChunks(graph, format)].join("");
}

/**
 * Reads a TSV edge list back (the inverse of {@link tsvChunks}); repeated pairs add up.
 *
 * @throws naming `source` and the line, on a line without three fields or with a bad weight.
 * @example
 * parseTsv("a\tb\t3\n").names; // ["a", "b"]
 */
export function parseTsv(text: string, source = "<tsv>"): Csr {
  const ids = new Map<string, number>();
  const names: string[] = [];
  const us: number[] = [];
  const vs: number[] = [];
  const ws: number[] = [];
  const id = (s: string): number => {
    let i = ids.get(s);
    if (i === undefined) {
      i = names.length;
      ids.set(s, i);
      names.push(s);
    }
    return i;
  };
  const lines = text.split("\n");
  lines.forEach((line, i) => {
    if (line === "" && i === lines.length - 1) return;
    const f = line.split("\t");
    const w = Number(f[2]);
    if (f.length !== 3 || f[2] === "" || !Number.isFinite(w)) throw new Error(`${MODULE}: ${source}: line ${i + 1}: expected 'u<TAB>v<TAB>weight'`);
    us.push(id(unescapeTsv(f[0]!)));
    vs.push(id(unescapeTsv(f[1]!)));
    ws.push(w);
  });
  return csrFromEdges(names, us, vs, ws);
}

/**
 * Reads a GEXF file written by {@link gexfChunks} back (nodes with `id` and
 * `label`, edges with `source`, `target`, `weight`; not a general GEXF reader).
 */
export function parseGexf(text: string, source = "<gexf>"): Csr {
  const unescape = (s: string): string => s.replace(/&(amp|lt|gt|quot|apos);/g, (_m, e: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" })[e]!);
  const index = new Map<string, number>();
  const names: string[] = [];
  for (const m of text.matchAll(/<node id="([^"]*)" label="([^"]*)"\/>/g)) {
    index.set(m[1]!, names.length);
    names.push(unescape(m[2]!));
  }
  const us: number[] = [];
  const vs: number[] = [];
  const ws: number[] = [];
  for (const m of text.matchAll(/<edge id="[^"]*" source="([^"]*)" target="([^"]*)" weight="([^"]*)"\/>/g)) {
    const u = index.get(m[1]!);
    const v = index.get(m[2]!);
    if (u === undefined || v === undefined) throw new Error(`${MODULE}: ${source}: edge refers to an unknown node`);
    us.push(u);
    vs.push(v);
    ws.push(Number(m[3]));
  }
  return csrFromEdges(names, us, vs, ws);
}
