/**
 * `entity-clique`: the seed's cliques over an event's artifacts, with the same computer,
 * user or port merged into one vertex whatever its field (ElementAI's
 * `mash_source_destination`) and the low-cardinality hub fields (auth type, logon type,
 * orientation, result, protocol, action) left out; a value repeated within an event
 * counts once (a local logon C586 -> C586 makes no self-loop).
 */
import { defineArch } from "./arch.js";

/**
 * @example
 * entityClique().plan(SCHEMAS.auth).fields.map((f) => f.type);
 * // ["userdomain", "userdomain", "computer", "computer"]
 */
export const entityClique = defineArch({
  name: "entity-clique",
  description: "cliques over merged entities (computer, user, port, ...), hub fields left out",
  fields: (schema) => schema.columns.filter((c) => c.dtype === "object" || c.dtype === "category").map((c) => c.name),
  defaults: { types: "entity", exclude: "hubs", duplicates: "set" },
});
