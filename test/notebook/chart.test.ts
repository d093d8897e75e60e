import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CATEGORICAL, HIGHLIGHT, chartBundle, chartPage, normalizeFigure, palette, plotlyScriptTag, wrapJson } from "../../src/notebook/chart.js";
import { figureProblems } from "../../src/notebook/check.js";

const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));

describe("notebook/chart", () => {
  const fig = { data: [{ type: "bar", x: ["a", "b"], y: [3, 5] }], layout: { title: { text: "Events </script> per day" } } };

  it("carries HTML for Notebook/exported HTML and plotly JSON for JupyterLab/VS Code", () => {
    const b = chartBundle(fig, { embedLibrary: false });
    expect(Object.keys(b).sort()).toEqual(["application/vnd.plotly.v1+json", "text/html", "text/plain"]);
    const json = b["application/vnd.plotly.v1+json"] as { data: unknown[]; layout: { height: number } };
    expect(json.data).toEqual(fig.data);
    expect(json.layout.height).toBe(420);
    const html = b["text/html"] as string;
    expect(html).toContain("newPlot");
    // plotly.js itself is not in the output: the page (exported HTML) or the server (make lab) provides it.
    expect(html).not.toContain("plotly.js v");
    expect(html.length).toBeLessThan(5_000);
    expect(html).toContain('"static/plotly.min.js"');
    // A title containing </script> must not end the inline script early.
    expect(html.match(/<\/script>/g)?.length).toBe(1);
  });

  it("inlines plotly.js only when asked", () => {
    const b = chartBundle(fig, { embedLibrary: true });
    expect((b["text/html"] as string).startsWith(plotlyScriptTag())).toBe(true);
    expect((b["text/html"] as string).length).toBeGreaterThan(1_000_000);
  });

  it("accepts string titles for the chart, its axes and colour bars (plotly.js 3 ignores plain strings)", () => {
    const f = normalizeFigure({
      data: [{ type: "heatmap", z: [[1]], colorbar: { title: "z" } }, { type: "scatter", y: [1], yaxis: "y2" }],
      layout: { title: "T", xaxis: { title: "x", type: "log" }, yaxis: { title: { text: "y", standoff: 4 } }, yaxis2: { title: "y2", overlaying: "y" } },
    });
    expect(f.layout.title).toEqual({ text: "T" });
    expect(f.layout.xaxis).toEqual({ title: { text: "x" }, type: "log" });
    expect(f.layout.yaxis).toEqual({ title: { text: "y", standoff: 4 } });
    expect(f.layout.yaxis2).toEqual({ title: { text: "y2" }, overlaying: "y" });
    expect(f.data[0]!.colorbar).toEqual({ title: { text: "z" } });
    expect(figureProblems(f)).toEqual([]);
    // the caller's figure is not modified
    const input = { data: [{ y: [1] }], layout: { title: "T" } };
    normalizeFigure(input);
    expect(input.layout.title).toBe("T");
  });

  it("gives every series its own colour, never the highlight red", () => {
    expect(new Set(CATEGORICAL).size).toBe(CATEGORICAL.length);
    expect(CATEGORICAL.length).toBeGreaterThanOrEqual(16);
    const many = palette(40);
    expect(new Set(many).size).toBe(40);
    for (const c of many) {
      expect(c).toMatch(/^#[0-9a-f]{6}$/);
      const [r, g, b] = [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16) / 255) as [number, number, number];
      const max = Math.max(r, g, b), min = Math.min(r, g, b);
      // hue in degrees (red = 0); greys have no hue
      const hue = max === min ? -1 : max === r ? (60 * ((g - b) / (max - min)) + 360) % 360 : max === g ? 60 * ((b - r) / (max - min)) + 120 : 60 * ((r - g) / (max - min)) + 240;
      const red = hue >= 0 && (hue < 15 || hue > 345) && max - min > 0.3;
      expect(red, `${c} is a red`).toBe(false);
    }
    expect(many).not.toContain(HIGHLIGHT);
    const f = normalizeFigure({ data: Array.from({ length: 16 }, (_, i) => ({ type: "scatter", name: `s${i}`, y: [i] })), layout: { title: "t", xaxis: { title: "x" }, yaxis: { title: "y" } } });
    expect((f.layout.colorway as string[]).length).toBe(16);
    expect(figureProblems(f)).toEqual([]);
    // a layout's own colorway is kept
    expect(normalizeFigure({ data: [{ y: [1] }], layout: { colorway: ["#000000"] } }).layout.colorway).toEqual(["#000000"]);
  });

  it("stores the figure as short lines, and the same figure gives the same output", () => {
    const big = { data: [{ type: "scatter", x: Array.from({ length: 2000 }, (_, i) => i), y: Array.from({ length: 2000 }, (_, i) => i * 0.5), name: "a, \"b\"" }] };
    const html = chartBundle(big)["text/html"] as string;
    expect(Math.max(...html.split("\n").map((l) => l.length))).toBeLessThan(400);
    expect(JSON.parse(wrapJson(JSON.stringify(big), 20))).toEqual(big);
    const id = (h: string) => /id="(tl-chart-[0-9a-f]+)-\d+"/.exec(h)![1];
    expect(id(chartBundle(big)["text/html"] as string)).toBe(id(html));
  });

  it("rejects a figure without traces", () => {
    expect(() => chartBundle({} as never, { embedLibrary: false })).toThrow(/^telemetry-lab\/notebook\/chart: figure.data/);
  });

  it.skipIf(!CHROMIUM)("is drawn by headless Chromium with no network (not an empty box)", () => {
    const dir = mkdtempSync(join(tmpdir(), "tl-chart-"));
    const page = join(dir, "page.html");
    writeFileSync(page, chartPage([fig, { data: [{ type: "scatter", x: [1, 2, 3], y: [2, 1, 3] }], layout: { title: "Scatter title", xaxis: { title: "x title" }, yaxis: { title: "y title" } } }]));
    const dom: string = execFileSync(
      CHROMIUM!,
      [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        `--user-data-dir=${join(dir, "profile")}`, "--virtual-time-budget=5000", "--dump-dom", `file://${page}`,
      ],
      { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 60_000, maxBuffer: 256 * 1024 * 1024 },
    );
    // plotly draws each chart into <svg class="main-svg">; bars are <path> elements in a "bars" layer.
    const charts = dom.match(/<div id="tl-chart-[^"]+" class="telemetry-lab-chart[^"]*"/g) ?? [];
    expect(charts.length).toBe(2);
    expect((dom.match(/class="main-svg"/g) ?? []).length).toBeGreaterThanOrEqual(2);
    // (booleans, so that a failure does not print the 5 MB page)
    expect(dom.includes('class="trace bars"')).toBe(true);
    expect(dom.includes('class="scatterlayer mlayer"')).toBe(true);
    // string titles are drawn (plotly.js 3 draws nothing for a plain string: the helper converts them)
    expect(/class="gtitle"[^>]*>Scatter title</.test(dom)).toBe(true);
    expect(/class="xtitle"[^>]*>x title</.test(dom)).toBe(true);
    expect(/class="ytitle"[^>]*>y title</.test(dom)).toBe(true);
  });
});
