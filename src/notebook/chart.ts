/**
 * Plotly charts in notebooks, offline, with plotly.js stored once per installation
 * rather than once per notebook.
 *
 * One call shows a figure. The output carries two MIME types:
 * - `application/vnd.plotly.v1+json`: the figure itself, which JupyterLab (with
 *   the plotly extension) and VS Code draw natively;
 * - `text/html`: a `<div>` and a small script that draws the figure with
 *   `window.Plotly`. plotly.js (plotly.js-dist-min, about 4.7 MB) is not part of
 *   the output: the HTML export (`notebooks/jupyter/run.py`) inlines it once in
 *   the page, and in Jupyter Notebook (`make lab`) the script fetches it from the
 *   server, which serves `node_modules/plotly.js-dist-min/` as static files
 *   (`{base url}static/plotly.min.js`). No network is needed in either case.
 *
 * The figure is normalised first: plotly.js 3 ignores a title given as a plain
 * string, so `title: "text"` (of the layout, of every axis, of colour bars)
 * becomes `title: { text: "text" }`; and unless the layout sets its own
 * `colorway`, the series take their colours from {@link CATEGORICAL}, which has
 * no red (red is {@link HIGHLIGHT}, kept for attacks, peaks and alerts) and
 * enough colours for the traces drawn.
 *
 * References: plotly.js figure reference, https://plotly.com/javascript/reference/ ;
 * the palette is Tableau 20 (Tableau Software) without its two reds.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../io/repo.js";
import { displayBundle, type MimeBundle } from "./kernel.js";

const MODULE = "telemetry-lab/notebook/chart";

/** A plotly figure: traces, layout, config. */
export interface Figure {
  data: Array<Record<string, unknown>>;
  layout?: Record<string, unknown>;
  config?: Record<string, unknown>;
}

/** Options of {@link showChart}. */
export interface ChartOptions {
  /** Height of the chart in pixels, when the layout gives none. Default 420. */
  height?: number;
  /**
   * Inline plotly.js (4.7 MB) in this output, for a page that has no other copy.
   * Default false: notebooks never embed it (see the module comment).
   */
  embedLibrary?: boolean;
}

/** Defaults of {@link ChartOptions}. */
export const CHART_DEFAULTS = Object.freeze({ height: 420, embedLibrary: false });

/**
 * The categorical palette: Tableau 20 without its two reds, dark tones first
 * (18 colours). {@link palette} extends it when a chart has more series.
 */
export const CATEGORICAL: readonly string[] = Object.freeze([
  "#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
  "#aec7e8", "#ffbb78", "#98df8a", "#c5b0d5", "#c49c94", "#f7b6d2", "#c7c7c7", "#dbdb8d", "#9edae5",
]);

/** The highlight colour (red), kept out of {@link CATEGORICAL}: red-team labels, peaks, alerts. */
export const HIGHLIGHT = "#d62728";

/** URL path, under the Jupyter server's base URL, where `make lab` serves plotly.js. */
export const PLOTLY_STATIC_PATH = "static/plotly.min.js";

/**
 * `n` distinct colours, none of them red: {@link CATEGORICAL}, then hues spaced
 * by the golden angle (outside the reds) when `n` is larger.
 *
 * @example
 * palette(3) // ["#1f77b4", "#ff7f0e", "#2ca02c"]
 * palette(20).length // 20
 */
export function palette(n: number): string[] {
  const out = CATEGORICAL.slice(0, Math.max(0, n));
  for (let i = 0; out.length < n; i++) {
    const hue = 30 + ((i * 137.508) % 300); // 30..330: no reds
    const light = i % 2 === 0 ? 45 : 65;
    out.push(hslHex(hue, 55, light));
  }
  return out;
}

function hslHex(h: number, s: number, l: number): string {
  const a = (s / 100) * Math.min(l / 100, 1 - l / 100);
  const f = (k: number): string => {
    const t = (k + h / 30) % 12;
    const c = l / 100 - a * Math.max(-1, Math.min(t - 3, 9 - t, 1));
    return Math.round(255 * c).toString(16).padStart(2, "0");
  };
  return `#${f(0)}${f(8)}${f(4)}`;
}

let bundleCache: string | undefined;

/** The plotly.js bundle's source, read once from node_modules. */
export function plotlyBundle(): string {
  if (bundleCache === undefined) {
    const file = join(repoRoot(), "node_modules", "plotly.js-dist-min", "plotly.min.js");
    try {
      bundleCache = readFileSync(file, "utf8");
    } catch (err) {
      throw new Error(`${MODULE}: cannot read plotly.js at ${file} (run 'make setup'): ${(err as Error).message}`);
    }
  }
  return bundleCache;
}

/** Makes text safe inside an inline `<script>` element. */
function scriptSafe(text: string): string {
  return text.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
}

/** The `<script>` that defines `window.Plotly`, to inline once per page. */
export function plotlyScriptTag(): string {
  // plotly.js's UMD wrapper takes `module` or an AMD `define` if one exists (Jupyter
  // pages load require.js); hide them so the bundle sets window.Plotly.
  return `<script type="text/javascript">(function(module, exports, define){\n${scriptSafe(plotlyBundle())}\n}).call(window);</script>`;
}

type Title = string | { text?: unknown; [k: string]: unknown } | undefined;

/** `"text"` -> `{ text: "text" }`; objects are copied; anything else is kept. */
function titleObject(t: Title): Title {
  if (typeof t === "string") return { text: t };
  if (t && typeof t === "object") return { ...t };
  return t;
}

/** The text of a title in either form ("" when none). */
export function titleText(t: unknown): string {
  if (typeof t === "string") return t;
  if (t && typeof t === "object" && typeof (t as { text?: unknown }).text === "string") return (t as { text: string }).text;
  return "";
}

const AXIS_KEY = /^(x|y|z)axis\d*$/;

/**
 * The figure as drawn: string titles turned into `{ text }` objects (layout, axes,
 * colour bars), the height set, and a colorway from {@link palette} unless the
 * layout has one. Pure; the input is not modified.
 *
 * @example
 * normalizeFigure({ data: [{ type: "bar", y: [1] }], layout: { title: "T", yaxis: { title: "n" } } }).layout
 * // { title: { text: "T" }, yaxis: { title: { text: "n" } }, height: 420, colorway: ["#1f77b4"] }
 */
export function normalizeFigure(figure: Figure, options: ChartOptions = {}): Required<Figure> {
  if (!figure || !Array.isArray(figure.data)) {
    throw new Error(`${MODULE}: figure.data must be an array of traces`);
  }
  const layout: Record<string, unknown> = { ...(figure.layout ?? {}) };
  if (layout.title !== undefined) layout.title = titleObject(layout.title as Title);
  for (const key of Object.keys(layout)) {
    const axis = layout[key];
    if (AXIS_KEY.test(key) && axis && typeof axis === "object") {
      const a = { ...(axis as Record<string, unknown>) };
      if (a.title !== undefined) a.title = titleObject(a.title as Title);
      layout[key] = a;
    }
  }
  if (typeof layout.height !== "number") layout.height = options.height ?? CHART_DEFAULTS.height;
  if (layout.colorway === undefined) layout.colorway = palette(Math.max(1, figure.data.length));
  const data = figure.data.map((trace) => {
    const bar = (trace.colorbar ?? (trace.marker as Record<string, unknown> | undefined)?.colorbar) as Record<string, unknown> | undefined;
    if (!bar || typeof bar.title !== "string") return trace;
    const fixed = { ...bar, title: { text: bar.title } };
    return trace.colorbar !== undefined ? { ...trace, colorbar: fixed } : { ...trace, marker: { ...(trace.marker as object), colorbar: fixed } };
  });
  const config = { responsive: true, displaylogo: false, ...(figure.config ?? {}) };
  return { data, layout, config };
}

/**
 * JSON text broken into lines of about `width` characters (between tokens, never
 * inside a string), so that a notebook stores a figure as short lines.
 */
export function wrapJson(json: string, width = 160): string {
  let out = "";
  let line = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const ch = json[i]!;
    out += ch;
    line += 1;
    if (inString) {
      if (ch === "\\") {
        out += json[++i] ?? "";
        line += 1;
      } else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === "," && line >= width) {
      out += "\n";
      line = 0;
    }
  }
  return out;
}

const COUNTER = Symbol.for("telemetry-lab.notebook.chart.counter");
type GlobalCounter = { [COUNTER]?: number };

/** A stable element id: a digest of the figure and the chart's rank in the session. */
function chartId(json: string): string {
  const g = globalThis as GlobalCounter;
  g[COUNTER] = (g[COUNTER] ?? 0) + 1;
  return `tl-chart-${createHash("sha256").update(json).digest("hex").slice(0, 12)}-${g[COUNTER]}`;
}

/** The script that finds `window.Plotly` (inlined in the page, or fetched from the Jupyter server) and draws. */
function drawScript(id: string, json: string): string {
  return (
    `<script type="text/javascript">(function(){\nvar f=${json};\n` +
    `var el=document.getElementById("${id}");\n` +
    `function draw(P){P.newPlot(el,f.data,f.layout,f.config);}\n` +
    `if(window.Plotly){draw(window.Plotly);return;}\n` +
    `if(!window.telemetryLabPlotly){window.telemetryLabPlotly=new Promise(function(ok,ko){\n` +
    `var base=document.body&&document.body.getAttribute("data-base-url");\n` +
    `var cfg=document.getElementById("jupyter-config-data");\n` +
    `if(!base&&cfg){try{base=JSON.parse(cfg.textContent).baseUrl;}catch(e){}}\n` +
    `base=base||"/";if(base.charAt(base.length-1)!=="/"){base+="/";}\n` +
    `fetch(base+"${PLOTLY_STATIC_PATH}").then(function(r){if(!r.ok){throw new Error(r.status);}return r.text();})\n` +
    `.then(function(src){(new Function("module","exports","define",src)).call(window);ok(window.Plotly);})["catch"](ko);});}\n` +
    `window.telemetryLabPlotly.then(draw,function(){el.textContent=` +
    `"plotly.js is not loaded on this page: open the notebook with 'make lab' (which serves it), or the exported HTML in build/html.";});\n` +
    `})();</script>`
  );
}

/**
 * The MIME bundle for a figure (pure apart from the session's chart counter: nothing is displayed).
 *
 * @example
 * const b = chartBundle({ data: [{ type: "bar", x: ["a", "b"], y: [3, 5] }], layout: { title: "Events" } });
 * Object.keys(b) // ["text/html", "application/vnd.plotly.v1+json", "text/plain"]
 * b["text/plain"] // "[plotly chart: Events; 1 trace(s)]"
 */
export function chartBundle(figure: Figure, options: ChartOptions = {}): MimeBundle {
  const fig = normalizeFigure(figure, options);
  const json = wrapJson(scriptSafe(JSON.stringify(fig)));
  const id = chartId(json);
  const height = fig.layout.height as number;
  const draw = `<div id="${id}" class="telemetry-lab-chart" style="width:100%;height:${height}px"></div>\n${drawScript(id, json)}`;
  const embed = options.embedLibrary ?? CHART_DEFAULTS.embedLibrary;
  const html = embed ? `${plotlyScriptTag()}\n${draw}` : draw;
  const title = titleText(fig.layout.title);
  return {
    "text/html": html,
    "application/vnd.plotly.v1+json": fig,
    "text/plain": `[plotly chart${title ? `: ${title}` : ""}; ${fig.data.length} trace(s)]`,
  };
}

/**
 * Shows a plotly figure as a cell output (offline; plotly.js is not embedded, see the module comment).
 * Titles may be strings or `{ text }` objects.
 *
 * @example
 * showChart({
 *   data: [{ type: "bar", x: ["Mon", "Tue"], y: [120, 80] }],
 *   layout: { title: "Events per day", xaxis: { title: "day" }, yaxis: { title: { text: "events" } } },
 * });
 * // -> an interactive bar chart under the cell, titled, with both axis titles
 */
export function showChart(figure: Figure, options: ChartOptions = {}): void {
  displayBundle(chartBundle(figure, options));
}

/**
 * A complete standalone HTML page drawing the figures (plotly.js inlined once), e.g.
 * to save a report or to check rendering in a headless browser.
 */
export function chartPage(figures: Figure[], options: ChartOptions = {}): string {
  const parts = figures.map((f) => chartBundle(f, { ...options, embedLibrary: false })["text/html"] as string);
  return `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>telemetry-lab chart</title>\n${plotlyScriptTag()}\n</head><body>\n${parts.join("\n")}\n</body></html>\n`;
}
