/**
 * Checks of a committed notebook that a reader relies on without running it:
 *
 * - its file is small (plotly.js is never embedded: `chart.ts`), at most 1.2 MB;
 * - every chart has a title and a title on every visible axis, in the object form
 *   `{ text }` (plotly.js 3 ignores a plain string), distinct colours for its legend
 *   entries, and no colour code without a legend;
 * - its outputs hold no absolute path (of the machine it ran on);
 * - every number its prose (markdown) quotes is shown by an output above it, appears in
 *   its code, or is declared in the notebook's metadata as a figure stated from
 *   elsewhere, with its source (`metadata.telemetry_lab.stated`, token -> source).
 *
 * The prose check reads digits only ("twice", "three" are not checked). A prose number
 * matches an output number when the output rounds to it at the prose's precision
 * (prose "1.6" matches an output "1.62"; "133k" matches "133,182").
 *
 * Reference: nbformat 4, https://nbformat.readthedocs.io/en/latest/format_description.html
 */
import { readFileSync, statSync } from "node:fs";
import { titleText } from "./chart.js";

const MODULE = "telemetry-lab/notebook/check";

/** Options of {@link checkNotebook}. */
export interface NotebookCheckOptions {
  /** Largest file size in bytes. Default 1,200,000. */
  maxBytes?: number;
  /** Absolute paths that must not appear in outputs (e.g. the repository root), on top of the generic pattern. */
  forbiddenPaths?: readonly string[];
  /** Check the numbers quoted by the prose. Default true. */
  prose?: boolean;
}

/** Defaults of {@link NotebookCheckOptions}. */
export const NOTEBOOK_CHECK_DEFAULTS = Object.freeze({ maxBytes: 1_200_000, prose: true });

/** One problem found. */
export interface NotebookProblem {
  /** Cell index (0-based, all cells), or -1 for the file. */
  cell: number;
  /** `chart-title`: a chart or axis title missing; `chart-legend`: legend colours. */
  check: "size" | "chart-title" | "chart-legend" | "absolute-path" | "prose-number";
  message: string;
}

interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: Array<{ output_type: string; name?: string; text?: string | string[]; data?: Record<string, unknown> }>;
}

interface Notebook {
  cells: Cell[];
  metadata?: { telemetry_lab?: { stated?: Record<string, string> } };
}

const PLOTLY_MIME = "application/vnd.plotly.v1+json";
/** plotly.js's default colorway (D3 category10). */
const PLOTLY_COLORWAY = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
/** Trace types drawn on cartesian x/y axes. */
const CARTESIAN = new Set(["scatter", "scattergl", "bar", "histogram", "histogram2d", "histogram2dcontour", "heatmap", "heatmapgl", "box", "violin", "contour", "ohlc", "candlestick", "funnel", "waterfall", "image"]);

const text = (s: string | string[] | undefined): string => (Array.isArray(s) ? s.join("") : s ?? "");

type Dict = Record<string, unknown>;
const dict = (x: unknown): Dict | undefined => (x && typeof x === "object" && !Array.isArray(x) ? (x as Dict) : undefined);

function hasTitle(t: unknown): boolean {
  return dict(t) !== undefined && titleText(t).trim() !== "";
}

/**
 * What is missing or confusing in one plotly figure (empty when none).
 *
 * @example
 * figureProblems({ data: [{ type: "bar", y: [1] }], layout: { title: "T" } })
 * // ["no title (a plain string title is ignored by plotly.js 3: use { text })", "axis 'xaxis' has no title", "axis 'yaxis' has no title"]
 */
export function figureProblems(figure: { data?: unknown; layout?: unknown }): string[] {
  const problems: string[] = [];
  const layout = dict(figure.layout) ?? {};
  const data = (Array.isArray(figure.data) ? figure.data : []).map((t) => dict(t) ?? {});
  if (!hasTitle(layout.title)) problems.push("no title (a plain string title is ignored by plotly.js 3: use { text })");
  const axes = new Set<string>();
  for (const t of data) {
    const type = typeof t.type === "string" ? t.type : "scatter";
    if (!CARTESIAN.has(type)) continue;
    axes.add(`xaxis${String(t.xaxis ?? "x").slice(1)}`);
    axes.add(`yaxis${String(t.yaxis ?? "y").slice(1)}`);
  }
  for (const key of Object.keys(layout)) if (/^[xy]axis\d*$/.test(key)) axes.add(key);
  for (const key of [...axes].sort()) {
    const axis = dict(layout[key]) ?? {};
    if (axis.visible === false) continue;
    if (!hasTitle(axis.title)) problems.push(`axis '${key}' has no title`);
  }
  // Colour codes need a legend; legend entries need distinct colours.
  const colorway = Array.isArray(layout.colorway) ? (layout.colorway as string[]) : PLOTLY_COLORWAY;
  const shown: { name: string; colour: string; group: string }[] = [];
  data.forEach((t, i) => {
    const marker = dict(t.marker) ?? {};
    const line = dict(t.line) ?? {};
    const type = typeof t.type === "string" ? t.type : "scatter";
    if (type.startsWith("heatmap") || type === "contour" || type === "image") return;
    if (Array.isArray(marker.color) && t.showlegend === false && new Set(marker.color as unknown[]).size > 1 && marker.colorscale === undefined) {
      problems.push(`trace ${i}${t.name ? ` '${String(t.name)}'` : ""} colours its points without a legend (one trace per colour, each with a name)`);
    }
    if (t.showlegend === false || t.visible === false) return;
    const explicit = typeof marker.color === "string" ? marker.color : typeof line.color === "string" ? line.color : undefined;
    shown.push({ name: String(t.name ?? `trace ${i}`), colour: (explicit ?? colorway[i % colorway.length]!).toLowerCase(), group: String(t.legendgroup ?? "") });
  });
  if (shown.length > 1) {
    for (let a = 0; a < shown.length; a++) {
      for (let b = a + 1; b < shown.length; b++) {
        const [p, q] = [shown[a]!, shown[b]!];
        if (p.colour === q.colour && (p.group === "" || p.group !== q.group)) problems.push(`legend entries '${p.name}' and '${q.name}' have the same colour ${p.colour}`);
      }
    }
  }
  return problems;
}

/** An absolute POSIX or Windows path of at least two segments (not part of a URL). */
const ABSOLUTE_PATH = /(?<![\w.:/~-])\/(?:[\w.@+-]+\/)+[\w.@+-]*|\b[A-Za-z]:\\[\w. -]+\\/;

/** A number as written in prose: digits with optional thousands commas and decimals, optional scale word. */
const PROSE_NUMBER = /(?<![\w.,§/:^#-])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?:\s?(k|M|G|thousand|million|billion)\b)?(?!\w|[.,:/-]\d)/g;
/** A number in an output: thousands commas, decimals, optional SI suffix as the toolkit prints them. */
const OUTPUT_NUMBER = /(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?:\s?(k|M|G)\b)?/g;

const SCALE: Record<string, number> = { k: 1e3, thousand: 1e3, M: 1e6, million: 1e6, G: 1e9, billion: 1e9 };

/** A number quoted by prose: its text, value and precision. */
export interface ProseNumber {
  token: string;
  value: number;
  decimals: number;
  scale: number;
}

/** Markdown reduced to its prose: no code, no link targets, no HTML tags, no headings, no list numbers. */
export function proseOf(markdown: string): string {
  return markdown
    .replace(/```[\s\S]*?```/g, " ")
    .replace(/`[^`\n]*`/g, " ")
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/<https?:[^>]*>|https?:\/\/\S+/g, " ")
    // citations: arXiv identifiers and "Venue 2005" / "KDD 2005" years
    .replace(/(?:arXiv:?\s*)?\b\d{4}\.\d{4,5}(?:v\d+)?\b/g, " ")
    .replace(/\b([A-Z][A-Za-z]+)\s(?:19|20)\d\d\b/g, "$1")
    .replace(/<[^>]+>/g, " ")
    .split("\n")
    .filter((l) => !/^\s*#/.test(l))
    .map((l) => l.replace(/^\s*\d+\.\s/, " ").replace(/\((\d)\)/g, " "))
    .join("\n");
}

/**
 * The numbers a markdown text quotes (see {@link proseOf} for what is skipped).
 *
 * @example
 * proseNumbers("on January 4–5 (133k and 138k events), `--jobs 2`, 1.6–1.7× more").map((n) => n.token)
 * // ["4", "5", "133k", "138k", "1.6", "1.7"]
 */
export function proseNumbers(markdown: string): ProseNumber[] {
  const out: ProseNumber[] = [];
  for (const m of proseOf(markdown).matchAll(PROSE_NUMBER)) {
    const digits = m[1]!.replace(/,/g, "") + (m[2] ?? "");
    out.push({ token: m[0].replace(/\s+/g, " "), value: Number(digits), decimals: m[2] ? m[2].length - 1 : 0, scale: m[3] ? SCALE[m[3]]! : 1 });
  }
  return out;
}

/** Numbers printed in a text (thousands commas removed, SI suffixes applied). */
export function outputNumbers(textOut: string): number[] {
  const out: number[] = [];
  for (const m of textOut.matchAll(OUTPUT_NUMBER)) out.push(Number(m[1]!.replace(/,/g, "") + (m[2] ?? "")) * (m[3] ? SCALE[m[3]]! : 1));
  return out;
}

/** True when `x` rounds to the prose number at its precision and scale. */
export function roundsTo(x: number, n: ProseNumber): boolean {
  const f = 10 ** n.decimals;
  return Math.abs(Math.round((x / n.scale) * f) / f - n.value) < 1e-9;
}

/** The text outputs of a cell (stream text, text/plain, text/markdown), not the chart JSON. */
function outputText(cell: Cell): string {
  const parts: string[] = [];
  for (const o of cell.outputs ?? []) {
    if (o.output_type === "stream") parts.push(text(o.text));
    const d = o.data ?? {};
    for (const mime of ["text/plain", "text/markdown"]) if (d[mime] !== undefined) parts.push(text(d[mime] as string | string[]));
  }
  return parts.join("\n");
}

/**
 * Checks a notebook's JSON text (see the module comment).
 *
 * @example
 * checkNotebookText(JSON.stringify({ cells: [{ cell_type: "markdown", source: "It has 5 labels." }] }))
 * // [{ cell: 0, check: "prose-number", message: "'5' is not shown by an output above, not in the code, and not declared in metadata.telemetry_lab.stated" }]
 */
export function checkNotebookText(json: string, options: NotebookCheckOptions = {}): NotebookProblem[] {
  const maxBytes = options.maxBytes ?? NOTEBOOK_CHECK_DEFAULTS.maxBytes;
  const problems: NotebookProblem[] = [];
  const bytes = Buffer.byteLength(json);
  if (bytes > maxBytes) problems.push({ cell: -1, check: "size", message: `${bytes} bytes, more than ${maxBytes}` });
  let nb: Notebook;
  try {
    nb = JSON.parse(json) as Notebook;
  } catch (err) {
    throw new Error(`${MODULE}: not a notebook (JSON): ${(err as Error).message}`);
  }
  const stated = nb.metadata?.telemetry_lab?.stated ?? {};
  const codeNumbers = new Set<number>();
  for (const c of nb.cells) if (c.cell_type === "code") for (const x of outputNumbers(text(c.source))) codeNumbers.add(x);
  const shown: number[] = [];
  nb.cells.forEach((cell, i) => {
    if (cell.cell_type === "markdown" && (options.prose ?? NOTEBOOK_CHECK_DEFAULTS.prose)) {
      for (const n of proseNumbers(text(cell.source))) {
        if (stated[n.token] !== undefined) continue;
        if (n.scale === 1 && n.decimals === 0 && codeNumbers.has(n.value)) continue;
        if (shown.some((x) => roundsTo(x, n))) continue;
        problems.push({ cell: i, check: "prose-number", message: `'${n.token}' is not shown by an output above, not in the code, and not declared in metadata.telemetry_lab.stated` });
      }
    }
    if (cell.cell_type !== "code") return;
    shown.push(...outputNumbers(outputText(cell)));
    for (const o of cell.outputs ?? []) {
      const d = o.data ?? {};
      if (d[PLOTLY_MIME] !== undefined) {
        for (const p of figureProblems(d[PLOTLY_MIME] as Dict)) {
          problems.push({ cell: i, check: /title/.test(p) ? "chart-title" : "chart-legend", message: `chart '${titleText(dict(dict(d[PLOTLY_MIME])?.layout)?.title)}': ${p}` });
        }
      }
      const all = [text(o.text), ...Object.entries(d).map(([, v]) => (typeof v === "string" || Array.isArray(v) ? text(v as string | string[]) : JSON.stringify(v)))].join("\n");
      for (const p of options.forbiddenPaths ?? []) {
        if (p && all.includes(p)) problems.push({ cell: i, check: "absolute-path", message: `output contains ${p}` });
      }
      const m = ABSOLUTE_PATH.exec(all);
      if (m) problems.push({ cell: i, check: "absolute-path", message: `output contains the absolute path ${m[0]}` });
    }
  });
  return problems;
}

/** Checks a notebook file (see {@link checkNotebookText}). */
export function checkNotebook(path: string, options: NotebookCheckOptions = {}): NotebookProblem[] {
  let json: string;
  try {
    statSync(path);
    json = readFileSync(path, "utf8");
  } catch (err) {
    throw new Error(`${MODULE}: cannot read ${path}: ${(err as Error).message}`);
  }
  return checkNotebookText(json, options);
}
