/**
 * `user-host`: the bipartite user–computer graph of authentication (Kent, Liebrock and
 * Neil, "Authentication graphs: Analyzing user behavior within an enterprise network",
 * Computers & Security 2015): a user is joined to the computers it acts from and on;
 * computers and users merge across fields (`computer::C586`, `userdomain::U12@DOM1`).
 * Auth: source user – source computer, destination user – destination computer; proc:
 * user – computer. Flows and DNS carry no user and add nothing.
 */
import { defineArch } from "./arch.js";

/** Edge pairs per stream, by field name. */
export const USER_HOST_PAIRS: Readonly<Record<string, readonly (readonly [string, string])[]>> = Object.freeze({
  auth: [
    ["userdomain_source", "computer_source"],
    ["userdomain_destination", "computer_destination"],
  ],
  proc: [["userdomain_source", "computer_source"]],
  redteam: [["user_domain_source", "computer_source"], ["user_domain_source", "computer_destination"]],
});

/**
 * @example
 * userHost().plan(SCHEMAS.auth).fields.map((f) => f.type);
 * // ["userdomain", "userdomain", "computer", "computer"]
 */
export const userHost = defineArch({
  name: "user-host",
  description: "bipartite user-computer graph of auth and proc (entities merged)",
  fields: (schema) => [...new Set((USER_HOST_PAIRS[schema.stream] ?? []).flat())],
  pairs: (schema) => USER_HOST_PAIRS[schema.stream] ?? [],
  defaults: { types: "entity", duplicates: "set" },
});
