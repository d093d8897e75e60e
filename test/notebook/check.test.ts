import { describe, expect, it } from "vitest";
import { checkNotebookText, figureProblems, proseNumbers, roundsTo } from "../../src/notebook/check.js";

const md = (source: string) => ({ cell_type: "markdown", metadata: {}, source });
const code = (source: string, text: string) => ({ cell_type: "code", metadata: {}, source, outputs: [{ output_type: "stream", name: "stdout", text }] });
const nb = (cells: unknown[], metadata: unknown = {}) => JSON.stringify({ cells, metadata, nbformat: 4, nbformat_minor: 5 });

describe("notebook/check", () => {
  it("finds the numbers of prose, not of code, links, headings, dates or list markers", () => {
    const text = "# 01 · Title\n1. on January 4–5 (133k and 138k events), `--jobs 2`, [v1.2](https://x.org/3), 2015-01-01T00:00:00, §12.2, 1.6–1.7× and 1,234 lines (3)";
    expect(proseNumbers(text).map((n) => n.token)).toEqual(["4", "5", "133k", "138k", "1.6", "1.7", "1,234"]);
    expect(proseNumbers("(Leskovec et al., KDD 2005; arXiv:1812.02848, arXiv 1812.02848v2) has 7").map((n) => n.token)).toEqual(["7"]);
  });

  it("matches a prose number to an output that rounds to it", () => {
    const [n133k, n16] = proseNumbers("133k and 1.6");
    expect(roundsTo(133_182, n133k!)).toBe(true);
    expect(roundsTo(134_000, n133k!)).toBe(false);
    expect(roundsTo(1.62, n16!)).toBe(true);
    expect(roundsTo(1.66, n16!)).toBe(false);
  });

  it("flags a prose number not shown above (the issue's 'median active hour has 5 labels' under a table that shows 21)", () => {
    const bad = nb([code("show()", "resolution  median\n1 hour  21\n"), md("The median active hour has 5 labels.")]);
    expect(checkNotebookText(bad).map((p) => p.message)).toEqual(["'5' is not shown by an output above, not in the code, and not declared in metadata.telemetry_lab.stated"]);
    const good = nb([code("show()", "resolution  median\n1 hour  21\n"), md("The median active hour has 21 labels.")]);
    expect(checkNotebookText(good)).toEqual([]);
    // shown below only: still flagged (prose quotes what is above it)
    expect(checkNotebookText(nb([md("It has 21 labels."), code("show()", "21\n")]))).toHaveLength(1);
    // declared as stated elsewhere, or written in the code
    expect(checkNotebookText(nb([md("The full data set has 1.65 billion events.")], { telemetry_lab: { stated: { "1.65 billion": "LANL cyber1 page" } } }))).toEqual([]);
    expect(checkNotebookText(nb([md("Its 30 strongest neighbours."), code("top(30)", "")]))).toEqual([]);
  });

  it("flags absolute paths in outputs, not URLs or rates", () => {
    const withPath = nb([code("x", "partitions: /home/me/repo/data/lanl/partitions\n")]);
    expect(checkNotebookText(withPath).map((p) => p.check)).toEqual(["absolute-path"]);
    expect(checkNotebookText(nb([code("x", "see https://csr.lanl.gov/data/cyber1/ at 2.0 M events/s, data/lanl/raw\n")]))).toEqual([]);
    expect(checkNotebookText(nb([code("x", "in /srv/x\n")]), { forbiddenPaths: ["/srv/x"] }).map((p) => p.check)).toEqual(["absolute-path", "absolute-path"]);
  });

  it("flags a big file", () => {
    expect(checkNotebookText(nb([md("x".repeat(2000))]), { maxBytes: 1000 }).map((p) => p.check)).toEqual(["size"]);
  });

  it("checks chart titles, axis titles, legend colours and colour codes without a legend", () => {
    expect(figureProblems({ data: [{ type: "bar", y: [1] }], layout: { title: { text: "T" }, xaxis: { title: { text: "x" } }, yaxis: { title: "y" } } })).toEqual(["axis 'yaxis' has no title"]);
    expect(figureProblems({ data: [{ type: "heatmap", z: [[1]] }], layout: { title: { text: "T" }, xaxis: { visible: false }, yaxis: { visible: false } } })).toEqual([]);
    expect(figureProblems({ data: [{ type: "pie", values: [1] }], layout: { title: { text: "T" } } })).toEqual([]);
    const axes = { title: { text: "T" }, xaxis: { title: { text: "x" } }, yaxis: { title: { text: "y" } }, yaxis2: { title: { text: "y2" }, overlaying: "y" } };
    // the fourth default colour is red, like the explicit red of the last trace (the dns vs red-team bars)
    const traces = [0, 1, 2, 3].map((i) => ({ type: "scatter", name: `s${i}`, y: [i] }));
    expect(figureProblems({ data: [...traces, { type: "bar", name: "labels", y: [1], yaxis: "y2", marker: { color: "#D62728" } }], layout: axes })).toEqual([
      "legend entries 's3' and 'labels' have the same colour #d62728",
    ]);
    expect(figureProblems({ data: [{ type: "scatter", y: [1, 2], marker: { color: ["#000", "#f00"] }, showlegend: false }], layout: axes })[0]).toMatch(/without a legend/);
  });
});
