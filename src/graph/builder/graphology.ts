/**
 * The `graphology` builder and the CSR <-> graphology conversions; the code is
 * in `./graphology/graphology-builder.ts`.
 *
 * Why the indirection: tslab (notebooks) resolves a bare `require("graphology")`
 * first as a file beside the requiring module (`<its folder>/graphology.js`), so
 * a module named `graphology.ts` that imports the `graphology` package loads
 * itself. This file imports no package; the implementation lives in a folder
 * with no `graphology.ts`.
 */
export * from "./graphology/graphology-builder.js";
