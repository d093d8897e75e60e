import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../../src/io/repo.js";

const PYTHON = ["/usr/bin/python3", "python3"].find(
  (p) => spawnSync(p, ["-c", "import nbclient, nbconvert"], { stdio: "ignore" }).status === 0,
);

function notebook(sources: string[]): string {
  return JSON.stringify({
    cells: sources.map((s, i) => ({ cell_type: "code", id: `c${i}`, metadata: {}, source: s, execution_count: null, outputs: [] })),
    metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" } },
    nbformat: 4,
    nbformat_minor: 5,
  });
}

function run(nb: string, extra: string[] = []): { status: number | null; out: string; dir: string; path: string } {
  const dir = mkdtempSync(join(tmpdir(), "tl-runner-"));
  const path = join(dir, "broken.ipynb");
  writeFileSync(path, nb);
  const r = spawnSync(PYTHON!, [join(repoRoot(), "notebooks", "jupyter", "run.py"), "--timeout", "120", "--out-dir", join(dir, "out"), ...extra.map((a) => a.replace("$DIR", dir)), path], {
    encoding: "utf8",
    env: { ...process.env, JUPYTER_PATH: join(repoRoot(), "notebooks", "jupyter") },
    timeout: 180_000,
  });
  return { status: r.status, out: r.stdout + r.stderr, dir, path };
}

describe.skipIf(!PYTHON)("notebooks/jupyter/run.py (needs Jupyter)", () => {
  it("fails on a broken cell, naming the notebook, the cell and the kernel's error; the notebook is untouched", () => {
    const nb = notebook(["const a = 1;", 'throw new Error("deliberately broken cell");', 'console.log("never reached");']);
    const r = run(nb);
    expect(r.status).toBe(1);
    expect(r.out).toContain("FAIL broken.ipynb: code cell 2");
    expect(r.out).toContain("deliberately broken cell");
    expect(r.out.trim().split("\n").at(-1)).toBe("notebooks: 0 passed, 1 failed");
    expect(readFileSync(r.path, "utf8")).toBe(nb);
  });

  it("reports a type error in a cell with tslab's message", () => {
    const r = run(notebook(['const n: number = "text";']));
    expect(r.status).toBe(1);
    expect(r.out).toContain("code cell 1");
    expect(r.out).toContain("not assignable to type 'number'");
  });

  it("stores charts without plotly.js in the notebook, and the HTML export carries it once", () => {
    const chart = (t: string) => `showChart({ data: [{ type: "bar", y: [1, 2] }], layout: { title: "${t}", xaxis: { title: "x" }, yaxis: { title: "y" } } });`;
    const r = run(notebook(['import { showChart } from "./src/notebook/chart.js";', chart("one"), chart("two")]), ["--html-dir", "$DIR/html"]);
    expect(r.status, r.out).toBe(0);
    const executed = readFileSync(join(r.dir, "out", "broken.ipynb"), "utf8");
    expect(executed).not.toContain("plotly.js v");
    expect(executed.length).toBeLessThan(50_000);
    expect(JSON.parse(executed).cells[1].outputs[0].data["application/vnd.plotly.v1+json"].layout.title).toEqual({ text: "one" });
    const html = readFileSync(join(r.dir, "html", "broken.html"), "utf8");
    expect(html.split("* plotly.js v").length - 1).toBe(1);
    expect(html.indexOf("* plotly.js v")).toBeLessThan(html.indexOf('class="telemetry-lab-chart"'));
  });

  it("passes a good notebook and writes the executed copy", () => {
    const r = run(notebook(['console.log("hello from", process.cwd());']));
    expect(r.status).toBe(0);
    expect(r.out).toContain("notebooks: 1 passed, 0 failed");
    const executed = JSON.parse(readFileSync(join(r.dir, "out", "broken.ipynb"), "utf8"));
    // The kernel starts at the repository root.
    expect(executed.cells[0].outputs[0].text.join("")).toContain(`hello from ${repoRoot()}`);
  });
});
