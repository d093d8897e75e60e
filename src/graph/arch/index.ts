/** Graph architectures: the abstraction, the built-in ones, the registry. */
export * from "./arch.js";
export * from "./all-category-no-attr.js";
export * from "./shallow.js";
export * from "./registry.js";
