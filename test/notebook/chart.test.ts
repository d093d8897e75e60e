import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chartBundle, chartPage, plotlyScriptTag } from "../../src/notebook/chart.js";

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
    expect(html).toContain("Plotly.newPlot");
    expect(html).not.toContain("plotly.js v");
    // A title containing </script> must not end the inline script early.
    expect(html.match(/<\/script>/g)?.length).toBe(1);
  });

  it("inlines plotly.js only when asked (once per notebook)", () => {
    const b = chartBundle(fig, { embedLibrary: true });
    expect((b["text/html"] as string).startsWith(plotlyScriptTag())).toBe(true);
    expect((b["text/html"] as string).length).toBeGreaterThan(1_000_000);
  });

  it("rejects a figure without traces", () => {
    expect(() => chartBundle({} as never, { embedLibrary: false })).toThrow(/^telemetry-lab\/notebook\/chart: figure.data/);
  });

  it.skipIf(!CHROMIUM)("is drawn by headless Chromium with no network (not an empty box)", () => {
    const dir = mkdtempSync(join(tmpdir(), "tl-chart-"));
    const page = join(dir, "page.html");
    writeFileSync(page, chartPage([fig, { data: [{ type: "scatter", x: [1, 2, 3], y: [2, 1, 3] }] }]));
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
  });
});
