/**
 * Paths as a command shows them: relative to the working directory when they lie
 * under it (as the user typed them, and the same on every machine), absolute otherwise.
 */
import { isAbsolute, relative, resolve, sep } from "node:path";

/**
 * `path` relative to `cwd` when it is inside it, else absolute.
 *
 * @example
 * displayPath("/home/me/repo/data/lanl/partitions", "/home/me/repo") // "data/lanl/partitions"
 * displayPath("/tmp/x", "/home/me/repo") // "/tmp/x"
 */
export function displayPath(path: string, cwd: string = process.cwd()): string {
  const abs = resolve(cwd, path);
  const rel = relative(resolve(cwd), abs);
  if (rel === "") return ".";
  if (rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return abs;
  return rel;
}
