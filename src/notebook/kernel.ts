/**
 * Bridge to the tslab Jupyter kernel, when this code runs inside one.
 *
 * tslab's public `display` sends one MIME type per output; charts need two
 * (`text/html` for classic Notebook and exported HTML, and
 * `application/vnd.plotly.v1+json` for JupyterLab and VS Code), so this module
 * calls the kernel's display writer directly. Outside a kernel (CLI, tests)
 * {@link inKernel} is false and nothing here loads tslab.
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import { repoRoot } from "../io/repo.js";

/** A Jupyter MIME bundle: MIME type -> content (strings, or JSON for `+json` types). */
export type MimeBundle = Record<string, unknown>;

type WriteDisplayData = (
  data: { data: MimeBundle; metadata: Record<string, unknown>; transient: { display_id?: string } },
  update: boolean,
) => void;

interface JupyterModule {
  lastWriteDisplayData: WriteDisplayData | null;
}

function kernelModule(): JupyterModule | undefined {
  const req = createRequire(join(repoRoot(), "package.json"));
  for (const key of Object.keys(req.cache)) {
    if (key.endsWith(join("tslab", "dist", "jupyter.js"))) {
      return req.cache[key]?.exports as JupyterModule;
    }
  }
  return undefined;
}

/** True when running inside a tslab kernel that is executing a cell. */
export function inKernel(): boolean {
  return typeof kernelModule()?.lastWriteDisplayData === "function";
}

let displayCounter = 0;

/**
 * Shows a MIME bundle as a cell output. With `displayId`, later calls with the
 * same id and `update: true` replace that output in place.
 *
 * @example
 * displayBundle({ "text/html": "<b>hi</b>", "text/plain": "hi" });
 */
export function displayBundle(bundle: MimeBundle, options: { displayId?: string; update?: boolean } = {}): void {
  const write = kernelModule()?.lastWriteDisplayData;
  if (typeof write !== "function") {
    const text = bundle["text/plain"];
    process.stdout.write(`${typeof text === "string" ? text : "[display output: run in a notebook to see it]"}\n`);
    return;
  }
  const transient: { display_id?: string } = {};
  if (options.displayId !== undefined) transient.display_id = options.displayId;
  write({ data: bundle, metadata: {}, transient }, options.update === true);
}

/** A fresh display id for an output that will be updated in place. */
export function newDisplayId(prefix = "tl"): string {
  displayCounter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${displayCounter}`;
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}
