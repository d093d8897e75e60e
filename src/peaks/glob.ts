/**
 * File-name patterns for `-n`, with Python `glob.glob` semantics (non-recursive `*`, `?`,
 * `[seq]`, `[!seq]`; names starting with "." only match a pattern component starting with ".";
 * no `~` expansion; no match gives an empty list), except that the result is SORTED (code point
 * order) so runs do not depend on the file system's directory order.
 */
import { readdirSync, lstatSync, statSync } from "node:fs";
import { join, resolve, sep, isAbsolute } from "node:path";

const MAGIC = /[*?[]/;

/** True when `pattern` has glob magic characters. */
export function hasMagic(pattern: string): boolean {
  return MAGIC.test(pattern);
}

/** Translates one path component pattern to a RegExp (Python `fnmatch.translate`). */
export function componentRegExp(component: string): RegExp {
  let re = "";
  for (let i = 0; i < component.length; i++) {
    const c = component[i] as string;
    if (c === "*") re += ".*";
    else if (c === "?") re += ".";
    else if (c === "[") {
      let j = i + 1;
      if (component[j] === "!") j++;
      if (component[j] === "]") j++;
      while (j < component.length && component[j] !== "]") j++;
      if (j >= component.length) {
        re += "\\[";
      } else {
        let stuff = component.slice(i + 1, j).replace(/\\/g, "\\\\");
        if (stuff.startsWith("!")) stuff = "^" + stuff.slice(1);
        else if (stuff.startsWith("^")) stuff = "\\" + stuff;
        re += `[${stuff}]`;
        i = j;
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  return new RegExp(`^${re}$`, "s");
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Expands `pattern` into matching paths (as written: relative patterns give relative paths),
 * sorted.
 *
 * @example
 * expandGlob("data/telemetry_example_*.json");
 * // ["data/telemetry_example_1.json", "data/telemetry_example_2.json"]
 */
export function expandGlob(pattern: string): string[] {
  if (!hasMagic(pattern)) return exists(pattern) ? [pattern] : [];
  const absolute = isAbsolute(pattern);
  const parts = pattern.split(sep);
  let bases: string[] = [absolute ? sep : ""];
  const start = absolute ? 1 : 0;
  for (let p = start; p < parts.length; p++) {
    const comp = parts[p] as string;
    const last = p === parts.length - 1;
    const next: string[] = [];
    if (comp === "") {
      // doubled or trailing separator: keep directories only
      for (const b of bases) if (isDir(b || ".")) next.push(b);
      bases = next;
      continue;
    }
    for (const b of bases) {
      if (!hasMagic(comp)) {
        const cand = b === "" ? comp : join(b, comp);
        if (last ? exists(cand) : isDir(cand)) next.push(b === "" ? comp : b.endsWith(sep) ? b + comp : b + sep + comp);
        continue;
      }
      let names: string[];
      try {
        names = readdirSync(b === "" ? "." : b);
      } catch {
        continue;
      }
      const re = componentRegExp(comp);
      const dotOk = comp.startsWith(".");
      for (const name of names) {
        if (name.startsWith(".") && !dotOk) continue;
        if (!re.test(name)) continue;
        const cand = b === "" ? name : b.endsWith(sep) ? b + name : b + sep + name;
        if (!last && !isDir(cand)) continue;
        next.push(cand);
      }
    }
    bases = next;
  }
  return bases.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Expands a pattern and makes every match absolute (Python `os.path.abspath`). */
export function expandGlobAbsolute(pattern: string): string[] {
  return expandGlob(pattern).map((p) => resolve(p));
}
