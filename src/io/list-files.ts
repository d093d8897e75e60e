/**
 * The files under a folder, with their sizes, in name order: a small inventory for
 * notebooks and reports (what a data folder holds). Hidden entries (`.name`) are skipped.
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const MODULE = "telemetry-lab/io/list-files";

/** Options of {@link listFiles}. */
export interface ListFilesOptions {
  /** How many folder levels below `dir` to descend. Default 0 (the files of `dir` only). */
  depth?: number;
  /** Return an empty list when `dir` does not exist, instead of throwing. Default false. */
  missingOk?: boolean;
}

/** Defaults of {@link ListFilesOptions}. */
export const LIST_FILES_DEFAULTS = Object.freeze({ depth: 0, missingOk: false });

/** One file found by {@link listFiles}. */
export interface ListedFile {
  /** `dir` joined with the file's path below it (relative when `dir` is). */
  path: string;
  bytes: number;
}

/**
 * Lists the files under `dir`, in name order, folders' files in place of the folder.
 *
 * @example
 * listFiles("data/peaks")
 * // [{ path: "data/peaks/telemetry.json", bytes: 59672312 }]
 */
export function listFiles(dir: string, options: ListFilesOptions = {}): ListedFile[] {
  const depth = options.depth ?? LIST_FILES_DEFAULTS.depth;
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (err) {
    if ((options.missingOk ?? LIST_FILES_DEFAULTS.missingOk) && (err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw new Error(`${MODULE}: cannot list ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const out: ListedFile[] = [];
  for (const name of names) {
    if (name.startsWith(".")) continue;
    const path = join(dir, name);
    const st = statSync(path);
    if (st.isDirectory()) {
      if (depth > 0) out.push(...listFiles(path, { depth: depth - 1 }));
    } else out.push({ path, bytes: st.size });
  }
  return out;
}
