/**
 * Plotly charts in notebooks, offline.
 *
 * One call shows a figure. The output carries two MIME types:
 * - `text/html`: a `<div>` and a `Plotly.newPlot` call; plotly.js itself
 *   (plotly.js-dist-min, about 4.8 MB) is inlined in the first chart of the
 *   kernel session only, so it is embedded once per notebook. This renders in
 *   classic Jupyter Notebook (trusted notebooks) and in the HTML that nbconvert
 *   exports, with no network.
 * - `application/vnd.plotly.v1+json`: the figure itself, which JupyterLab (with
 *   the plotly extension) and VS Code draw natively.
 *
 * Reference: plotly.js figure reference, https://plotly.com/javascript/reference/
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../io/repo.js";
import { displayBundle, type MimeBundle } from "./kernel.js";

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
  /** Inline plotly.js in this output even if an earlier chart did. Default: only the first chart of the session. */
  embedLibrary?: boolean;
}

/** Defaults of {@link ChartOptions}. */
export const CHART_DEFAULTS = { height: 420 } as const;

const EMBEDDED = Symbol.for("telemetry-lab.notebook.chart.plotlyEmbedded");
type GlobalFlags = { [EMBEDDED]?: boolean; __telemetryLabChartCounter?: number };

let bundleCache: string | undefined;

/** The plotly.js bundle's source, read once from node_modules. */
export function plotlyBundle(): string {
  if (bundleCache === undefined) {
    const file = join(repoRoot(), "node_modules", "plotly.js-dist-min", "plotly.min.js");
    try {
      bundleCache = readFileSync(file, "utf8");
    } catch (err) {
      throw new Error(`telemetry-lab/notebook/chart: cannot read plotly.js at ${file} (run 'make setup'): ${(err as Error).message}`);
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
  // plotly.js's UMD wrapper takes `module` if it exists; hide it so the bundle sets window.Plotly.
  return `<script type="text/javascript">(function(module, exports, define){\n${scriptSafe(plotlyBundle())}\n}).call(window);</script>`;
}

function nextChartId(): string {
  const g = globalThis as GlobalFlags;
  g.__telemetryLabChartCounter = (g.__telemetryLabChartCounter ?? 0) + 1;
  return `tl-chart-${process.pid.toString(36)}-${Date.now().toString(36)}-${g.__telemetryLabChartCounter}`;
}

/**
 * The MIME bundle for a figure (pure: nothing is displayed).
 *
 * @example
 * const b = chartBundle({ data: [{ type: "bar", x: ["a", "b"], y: [3, 5] }] }, { embedLibrary: false });
 * Object.keys(b) // ["text/html", "application/vnd.plotly.v1+json", "text/plain"]
 */
export function chartBundle(figure: Figure, options: ChartOptions & { embedLibrary: boolean }): MimeBundle {
  if (!figure || !Array.isArray(figure.data)) {
    throw new Error("telemetry-lab/notebook/chart: figure.data must be an array of traces");
  }
  const layout: Record<string, unknown> = { ...(figure.layout ?? {}) };
  const height = typeof layout.height === "number" ? layout.height : options.height ?? CHART_DEFAULTS.height;
  layout.height = height;
  const config = { responsive: true, displaylogo: false, ...(figure.config ?? {}) };
  const fig = { data: figure.data, layout, config };
  const id = nextChartId();
  const json = scriptSafe(JSON.stringify(fig));
  const draw =
    `<div id="${id}" class="telemetry-lab-chart" style="width:100%;height:${height}px"></div>\n` +
    `<script type="text/javascript">(function(){var f=${json};var el=document.getElementById("${id}");` +
    `if(window.Plotly){window.Plotly.newPlot(el,f.data,f.layout,f.config);}` +
    `else{el.textContent="plotly.js is not loaded on this page: trust the notebook (File > Trust) and re-run its first chart cell.";}})();</script>`;
  const html = options.embedLibrary ? `${plotlyScriptTag()}\n${draw}` : draw;
  const title = (layout.title as { text?: string } | string | undefined) ?? "";
  const titleText = typeof title === "string" ? title : title.text ?? "";
  return {
    "text/html": html,
    "application/vnd.plotly.v1+json": fig,
    "text/plain": `[plotly chart${titleText ? `: ${titleText}` : ""}; ${figure.data.length} trace(s)]`,
  };
}

/**
 * Shows a plotly figure as a cell output (offline; plotly.js embedded once per notebook).
 *
 * @example
 * showChart({
 *   data: [{ type: "bar", x: ["Mon", "Tue"], y: [120, 80] }],
 *   layout: { title: { text: "Events per day" } },
 * });
 * // -> an interactive bar chart under the cell
 */
export function showChart(figure: Figure, options: ChartOptions = {}): void {
  const g = globalThis as GlobalFlags;
  const embed = options.embedLibrary ?? !g[EMBEDDED];
  displayBundle(chartBundle(figure, { ...options, embedLibrary: embed }));
  if (embed) g[EMBEDDED] = true;
}

/**
 * A complete standalone HTML page drawing the figures (plotly.js inlined), e.g.
 * to save a report or to check rendering in a headless browser.
 */
export function chartPage(figures: Figure[], options: ChartOptions = {}): string {
  const parts = figures.map((f, i) => chartBundle(f, { ...options, embedLibrary: i === 0 })["text/html"] as string);
  return `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>telemetry-lab chart</title></head><body>\n${parts.join("\n")}\n</body></html>\n`;
}
