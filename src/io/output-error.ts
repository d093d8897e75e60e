/**
 * Errors of an output being written, in words, naming the file the user asked for (the
 * final name, never a temporary beside it, never an input): `path: no space left on
 * device`. The system error's `code` and `syscall` are kept, and its `path` becomes the
 * output, so that `describeFsError` and code checks still work.
 * Codes: POSIX errno names as Node reports them (https://nodejs.org/api/errors.html#common-system-errors).
 */
const MODULE = "telemetry-lab/io/output-error";

/** Words of the errno codes an output can meet. */
const WORDS: Readonly<Record<string, string>> = Object.freeze({
  ENOSPC: "no space left on device",
  EDQUOT: "disk quota exceeded",
  EROFS: "read-only file system",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EFBIG: "file too large",
  EIO: "input/output error",
});

/** An output error: message `module: path: words (CODE, syscall)`, with the system error's fields. */
export interface OutputError extends Error {
  code?: string;
  syscall?: string;
  path: string;
  /** Marks errors already about an output, so that callers do not wrap them again. */
  output: true;
}

/** True for an error made by {@link outputError}. */
export function isOutputError(err: unknown): err is OutputError {
  return err instanceof Error && (err as Partial<OutputError>).output === true;
}

/**
 * Wraps an error met while writing `path` (unchanged when it is already an output error).
 *
 * @example
 * outputError("telemetry-lab/partition/writer", "parts/auth/2015-01-01T05:00:00.txt.gz", enospc).message;
 * // "telemetry-lab/partition/writer: parts/auth/2015-01-01T05:00:00.txt.gz: no space left on device (ENOSPC, write)"
 */
export function outputError(module: string, path: string, err: unknown): OutputError {
  if (isOutputError(err)) return err;
  if (typeof module !== "string" || module === "") throw new Error(`${MODULE}: module must be a non-empty string`);
  const e = err as { code?: unknown; syscall?: unknown; message?: unknown };
  const code = typeof e?.code === "string" ? e.code : undefined;
  const syscall = typeof e?.syscall === "string" ? e.syscall : undefined;
  const words = code !== undefined && WORDS[code] !== undefined ? `${WORDS[code]} (${code}${syscall ? `, ${syscall}` : ""})` : String(e?.message ?? err);
  const out = new Error(`${module}: ${path}: ${words}`) as OutputError;
  if (code !== undefined) out.code = code;
  if (syscall !== undefined) out.syscall = syscall;
  out.path = path;
  out.output = true;
  return out;
}
