/**
 * `shallow`: a few typed edges per event instead of a clique, following the
 * event's semantics (who acted, from where, on what): for auth, source user -
 * destination user, source user - source computer, source computer -
 * destination computer, destination user - destination computer; the
 * analogous pairs for proc, flows, dns and redteam. Fields in no pair (auth
 * type, logon type, orientation, result, protocol, action, binned numbers)
 * contribute nothing. Issue 5; the Euler and Bowman et al. graphs of
 * lanl-method.md are of this kind (computer - computer, user - computer).
 */
import { defineArch } from "./arch.js";

/** Edge pairs per stream, by field name. */
export const SHALLOW_PAIRS: Readonly<Record<string, readonly (readonly [string, string])[]>> = Object.freeze({
  auth: [
    ["userdomain_source", "userdomain_destination"],
    ["userdomain_source", "computer_source"],
    ["computer_source", "computer_destination"],
    ["userdomain_destination", "computer_destination"],
  ],
  proc: [
    ["userdomain_source", "computer_source"],
    ["computer_source", "process"],
  ],
  flows: [
    ["computer_source", "port_source"],
    ["computer_source", "computer_destination"],
    ["computer_destination", "port_destination"],
  ],
  dns: [["computer_source", "computer_destination"]],
  redteam: [
    ["user_domain_source", "computer_source"],
    ["computer_source", "computer_destination"],
  ],
});

/**
 * @example
 * shallow().plan(SCHEMAS.auth).edges.length; // 4
 */
export const shallow = defineArch({
  name: "shallow",
  description: "a few typed edges per event (user-user, user-computer, computer-computer, ...)",
  fields: (schema) => [...new Set((SHALLOW_PAIRS[schema.stream] ?? []).flat())],
  pairs: (schema) => SHALLOW_PAIRS[schema.stream] ?? [],
});
