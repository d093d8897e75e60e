import { describe, expect, it } from "vitest";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { repoRoot } from "../../src/io/repo.js";
import { checkNotebook, type NotebookProblem } from "../../src/notebook/check.js";

/** The committed notebooks (as `make notebooks` finds them). */
function shippedNotebooks(dir = join(repoRoot(), "notebooks")): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (name === "jupyter" || name.startsWith(".")) continue;
    if (statSync(p).isDirectory()) out.push(...shippedNotebooks(p));
    else if (name.endsWith(".ipynb")) out.push(p);
  }
  return out;
}

type Check = NotebookProblem["check"];

/**
 * Checks not yet applied to a notebook, with the reason. Every other check applies to
 * every committed notebook; chart and axis titles apply to all of them, always.
 */
const PENDING: Record<string, { checks: Check[]; reason: string }> = {

};

const CHECKS: Array<{ check: Check; what: string }> = [
  { check: "chart-title", what: "every chart has a title and a title on every visible axis" },
  { check: "chart-legend", what: "legend entries have distinct colours; no colour code without a legend" },
  { check: "size", what: "the file is at most 1.2 MB" },
  { check: "absolute-path", what: "no absolute path in the outputs" },
  { check: "prose-number", what: "every number of the prose is shown above, in the code, or declared as stated" },
];

describe("shipped notebooks", () => {
  const notebooks = shippedNotebooks();

  it("are found", () => {
    expect(notebooks.length).toBeGreaterThanOrEqual(4);
  });

  for (const path of notebooks) {
    const rel = relative(repoRoot(), path);
    const pending = PENDING[rel];
    describe(rel, () => {
      let problems: NotebookProblem[] | undefined;
      const found = (): NotebookProblem[] => (problems ??= checkNotebook(path, { forbiddenPaths: [repoRoot()] }));
      for (const { check, what } of CHECKS) {
        const skip = pending?.checks.includes(check) ?? false;
        it.skipIf(skip)(`${what}${skip ? ` (pending: ${pending!.reason})` : ""}`, () => {
          expect(found().filter((p) => p.check === check).map((p) => `cell ${p.cell}: ${p.message}`)).toEqual([]);
        });
      }
    });
  }
});
