/**
 * `all-category-no-attr`: the seed's architecture (`AllCategoryNoAttr` in
 * hamelin/anomaly-detection-heterogeneous-telemetry, `Basics.ipynb`): every
 * field of dtype `object` or `category` is an artifact named `field::value`,
 * taken in schema order (`event.iteritems()`); numeric attributes (duration,
 * packets, bytes) are left out; each event is a clique over its artifacts.
 *
 * With its default options it reproduces the seed's vertex names and weights
 * exactly: field names are distinct, so no vertex repeats within an event and
 * no self-loop can occur; pandas' NA strings are named `nan` as the seed's
 * `f"{attr}::{value}"` does for NaN.
 */
import { defineArch } from "./arch.js";

/**
 * @example
 * allCategoryNoAttr().plan(SCHEMAS.flows).fields.map((f) => f.field);
 * // ["computer_source", "port_source", "computer_destination", "port_destination", "protocol"]
 */
export const allCategoryNoAttr = defineArch({
  name: "all-category-no-attr",
  description: "the seed's: every object/category field is an artifact, one clique per event",
  fields: (schema) => schema.columns.filter((c) => c.dtype === "object" || c.dtype === "category").map((c) => c.name),
});
