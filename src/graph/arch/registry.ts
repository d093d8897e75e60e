/**
 * Graph architectures by name, for the CLI (`--arch NAME`) and notebooks.
 * Register a new one with {@link registerArch}.
 */
import type { ArchFactory, ArchOptions, GraphArch } from "./arch.js";
import { allCategoryNoAttr } from "./all-category-no-attr.js";
import { shallow } from "./shallow.js";
import { userHost } from "./user-host.js";
import { entityClique } from "./entity-clique.js";
import { flowsBinned } from "./flows-binned.js";

const REGISTRY = new Map<string, ArchFactory>([
  [allCategoryNoAttr.archName, allCategoryNoAttr],
  [shallow.archName, shallow],
  [userHost.archName, userHost],
  [entityClique.archName, entityClique],
  [flowsBinned.archName, flowsBinned],
]);

/** Adds (or replaces) an architecture in the registry. */
export function registerArch(factory: ArchFactory): void {
  REGISTRY.set(factory.archName, factory);
}

/** Names of the registered architectures. */
export function archNames(): string[] {
  return [...REGISTRY.keys()];
}

/**
 * The architecture `name` with `options`.
 *
 * @throws when the name is not registered.
 * @example
 * getArch("all-category-no-attr", { dropMissing: true }).name; // "all-category-no-attr"
 */
export function getArch(name: string, options: ArchOptions = {}): GraphArch {
  const f = REGISTRY.get(name);
  if (f === undefined) throw new Error(`telemetry-lab/graph/arch/registry: unknown architecture '${name}'; known: ${archNames().join(", ")}`);
  return f(options);
}
