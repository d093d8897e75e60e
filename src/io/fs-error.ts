/**
 * One-line descriptions of Node's file-system errors (`ENOENT`, `ENOTDIR`, `EEXIST` on
 * mkdir, `EACCES`, ...), naming the path and the problem in words instead of the raw
 * `EEXIST: file already exists, mkdir '…'` text. Codes: POSIX errno names, as Node
 * reports them (https://nodejs.org/api/errors.html#common-system-errors).
 */
import { statSync } from "node:fs";
import { dirname } from "node:path";
import { displayPath } from "./display-path.js";

/** A Node system error (what fs functions throw). */
export interface SystemError extends Error {
  code?: string;
  syscall?: string;
  path?: string;
  dest?: string;
}

/** True for an error thrown by a Node system call (it has a `code` and a `syscall`). */
export function isSystemError(err: unknown): err is SystemError {
  return err instanceof Error && typeof (err as SystemError).code === "string" && typeof (err as SystemError).syscall === "string";
}

/** The nearest existing ancestor of `path` (itself included) that is not a folder, if any. */
function fileInTheWay(path: string): string | undefined {
  for (let p = path; ; p = dirname(p)) {
    try {
      if (!statSync(p).isDirectory()) return p;
      return undefined;
    } catch {
      // does not exist: look further up
    }
    if (dirname(p) === p) return undefined;
  }
}

/**
 * `path: problem`, in words, for a system error (paths shown relative to the working
 * directory when under it); the error's own message for anything else.
 *
 * @example
 * describeFsError(errFromMkdir) // "data/x.tsv: cannot create the folder 'data': it is a file"
 */
export function describeFsError(err: unknown, path?: string): string {
  if (!isSystemError(err)) return err instanceof Error ? err.message : String(err);
  const where = path ?? err.path ?? "";
  const shown = where ? displayPath(where) : "";
  const at = (text: string): string => (shown ? `${shown}: ${text}` : text);
  const sys = err.path ?? where;
  switch (err.code) {
    case "EEXIST":
    case "ENOTDIR": {
      const file = sys ? fileInTheWay(sys) : undefined;
      if (file !== undefined) return at(`'${displayPath(file)}' is a file, where a folder is needed`);
      return at(err.code === "EEXIST" ? "already exists" : "a part of the path is not a folder");
    }
    case "ENOENT":
      return at(err.syscall === "open" || err.syscall === "stat" || err.syscall === "scandir" ? "no such file or folder" : `no such file or folder (${err.syscall})`);
    case "EISDIR":
      return at("is a folder, where a file is needed");
    case "EACCES":
    case "EPERM":
      return at(`permission denied (${err.syscall})`);
    case "ENOSPC":
      return at("no space left on device");
    case "EROFS":
      return at("read-only file system");
    default:
      return at(`${err.code} (${err.syscall})`);
  }
}
