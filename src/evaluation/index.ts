/**
 * Detection evaluated against the LANL red-team labels (`lanl-method.md` §1e): ground truth
 * at every unit (`labels.ts`), how each unit is scored from vertex scores (`units.ts`), the
 * metrics (`metrics.ts`), the trivial controls (`controls.ts`) and the evaluation table with
 * the label artefacts (`evaluate.ts`).
 */
export * from "./labels.js";
export * from "./units.js";
export * from "./metrics.js";
export * from "./controls.js";
export * from "./evaluate.js";
