/**
 * The architecture options every per-interval LANL command takes (`lanl graphs`,
 * `lanl roles`): their option table for `parseCommand` and their conversion to
 * `ArchOptions` (`src/graph/arch/arch.ts`).
 */
import { listOption } from "../args.js";
import type { ArchOptions } from "../../graph/arch/arch.js";

/** The `parseCommand` option table of the architecture options. */
export const ARCH_OPTION_TABLE = {
  types: { type: "string" },
  "drop-missing": { type: "boolean" },
  exclude: { type: "string" },
  bins: { type: "string" },
} as const;

/** The parsed values of {@link ARCH_OPTION_TABLE}. */
export interface ArchOptionValues {
  types?: string;
  "drop-missing"?: boolean;
  exclude?: string;
  bins?: string;
}

/**
 * `ArchOptions` from parsed command-line values (only the options given).
 *
 * @example
 * archOptionsOf({ exclude: "hubs", "drop-missing": true }); // { dropMissing: true, exclude: "hubs" }
 */
export function archOptionsOf(v: ArchOptionValues): ArchOptions {
  const o: ArchOptions = {};
  if (v.types !== undefined) o.types = v.types as "field" | "entity";
  if (v["drop-missing"]) o.dropMissing = true;
  if (v.exclude !== undefined) o.exclude = v.exclude === "hubs" ? "hubs" : listOption(v.exclude)!;
  if (v.bins !== undefined) o.bins = v.bins === "all" ? "all" : listOption(v.bins)!;
  return o;
}
