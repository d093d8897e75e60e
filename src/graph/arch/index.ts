/** Graph architectures: the abstraction, the built-in ones, the registry. */
export * from "./arch.js";
export * from "./all-category-no-attr.js";
export * from "./shallow.js";
export * from "./user-host.js";
export * from "./entity-clique.js";
export * from "./flows-binned.js";
export * from "./registry.js";
export * from "./spec.js";
