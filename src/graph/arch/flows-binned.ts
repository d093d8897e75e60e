/**
 * `flows-binned`: the seed's cliques (`all-category-no-attr`) plus the numeric
 * attributes of flows — duration, packets, bytes — as log2-binned artifacts
 * (`num_bytes::2^10` for 1024..2047), which the seed left out "for the time being".
 * Binning on powers of two keeps the number of such vertices small (at most ~40 per
 * field) while separating a one-packet probe from a bulk transfer.
 */
import { defineArch } from "./arch.js";

/** The numeric fields of flows. */
export const FLOW_NUMERIC_FIELDS: readonly string[] = Object.freeze(["duration", "num_packets", "num_bytes"]);

/**
 * @example
 * flowsBinned().plan(SCHEMAS.flows).fields.filter((f) => f.kind === "log2").map((f) => f.field);
 * // ["duration", "num_packets", "num_bytes"]
 */
export const flowsBinned = defineArch({
  name: "flows-binned",
  description: "the seed's cliques plus log2-binned flow duration, packets and bytes",
  fields: (schema) => schema.columns.filter((c) => c.dtype === "object" || c.dtype === "category").map((c) => c.name),
  defaults: { bins: FLOW_NUMERIC_FIELDS },
});
