/**
 * The partition files of one stream: one gzip file per interval, appended block by
 * block, renamed into place when the stream is finished.
 *
 * An interval's file is written as `.<name>.txt.gz.inprogress` beside its final name
 * `<name>.txt.gz`. Its descriptor is closed once the stream has moved `window` intervals
 * past it (or when too many are open) and reopened for append if a late line comes,
 * but the file keeps its temporary name until the whole stream has been read: only then
 * can no late line arrive any more, so a file under a final name is always complete
 * (`rename(2)` within a folder is atomic, POSIX), even after a kill. A file is always the
 * concatenation, in block order, of the gzip members written for its interval. The
 * state of every file (open or final, bytes, events) is what the resume manifest
 * records; {@link StreamFiles.restore} brings a folder back to a recorded state after a
 * crash.
 */
import { closeSync, existsSync, ftruncateSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync, truncateSync, writeSync } from "node:fs";
import { join } from "node:path";
import { removeStaleTemporaries } from "../io/atomic.js";
import { outputError } from "../io/output-error.js";

const MODULE = "telemetry-lab/partition/writer";

/** Suffix of partition files being written. */
export const INPROGRESS_SUFFIX = ".inprogress";

/** Recorded state of one interval's file. */
export interface FileState {
  /** "open": still `.name.inprogress` (its descriptor open or not); "final": renamed to its name. */
  state: "open" | "final";
  /** Bytes written. */
  bytes: number;
  /** Events (lines) written. */
  events: number;
}

/** Writes `data` fully at the end of `fd`. */
export function writeAll(fd: number, data: Uint8Array): void {
  let o = 0;
  while (o < data.length) o += writeSync(fd, data, o, data.length - o);
}

/**
 * The interval files of one stream in one folder.
 *
 * @example
 * const files = new StreamFiles("out/P0DT1H0M0S/auth", (i) => isoName(i));
 * files.append(5, gzipMember, 120);
 * files.finalizeAll(); // out/P0DT1H0M0S/auth/2015-01-01T05:00:00.txt.gz
 */
export class StreamFiles {
  private readonly states = new Map<number, FileState>();
  private readonly fds = new Map<number, number>();

  /**
   * @param nameOf file name (without `.txt.gz`) of interval `index`.
   * @param maxOpen most files kept open at once; past it the lowest open interval is
   *   finished early (it reopens if more lines come: the bytes are the same).
   */
  constructor(
    readonly dir: string,
    private readonly nameOf: (index: number) => string,
    private readonly maxOpen = 256,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  /** Final path of interval `index`. */
  finalPath(index: number): string {
    return join(this.dir, `${this.nameOf(index)}.txt.gz`);
  }

  /** Path of interval `index` while it is written. */
  tempPath(index: number): string {
    return join(this.dir, `.${this.nameOf(index)}.txt.gz${INPROGRESS_SUFFIX}`);
  }

  /**
   * Appends one gzip member of `events` lines to interval `index`'s file.
   *
   * @throws naming the file's final name on a write error (`...: no space left on device (ENOSPC, write)`).
   */
  append(index: number, data: Uint8Array, events: number): void {
    try {
      this.appendUnchecked(index, data, events);
    } catch (err) {
      throw outputError(MODULE, this.finalPath(index), err);
    }
  }

  private appendUnchecked(index: number, data: Uint8Array, events: number): void {
    let st = this.states.get(index);
    let fd = this.fds.get(index);
    if (fd === undefined) {
      if (this.fds.size >= this.maxOpen) this.closeOne(Math.min(...this.fds.keys()));
      if (st === undefined) {
        st = { state: "open", bytes: 0, events: 0 };
        this.states.set(index, st);
        fd = openSync(this.tempPath(index), "w");
      } else {
        if (st.state === "final") {
          renameSync(this.finalPath(index), this.tempPath(index));
          st.state = "open";
        }
        fd = openSync(this.tempPath(index), "a");
      }
      this.fds.set(index, fd);
    }
    writeAll(fd, data);
    st!.bytes += data.length;
    st!.events += events;
  }

  /**
   * Closes the descriptor of every open interval with index < `limit` (the file keeps
   * its temporary name: a late line may still come).
   */
  closeBefore(limit: number): void {
    for (const index of [...this.fds.keys()]) if (index < limit) this.closeOne(index);
  }

  /** Finishes the stream: closes every file and renames it to its final name. */
  finalizeAll(): void {
    this.closeBefore(Infinity);
    for (const [index, st] of [...this.states].sort((a, b) => a[0] - b[0])) {
      if (st.state === "final") continue;
      try {
        renameSync(this.tempPath(index), this.finalPath(index));
      } catch (err) {
        throw outputError(MODULE, this.finalPath(index), err);
      }
      st.state = "final";
    }
  }

  private closeOne(index: number): void {
    const fd = this.fds.get(index)!;
    this.fds.delete(index);
    try {
      closeSync(fd);
    } catch (err) {
      throw outputError(MODULE, this.finalPath(index), err);
    }
  }

  /** Closes open files without renaming them (on error). */
  closeAll(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }

  /** Open intervals. */
  get openCount(): number {
    return this.fds.size;
  }

  /** A copy of every file's state, keyed by interval index. */
  snapshot(): Record<string, FileState> {
    const out: Record<string, FileState> = {};
    for (const [index, st] of [...this.states].sort((a, b) => a[0] - b[0])) out[String(index)] = { ...st };
    return out;
  }

  /** Files' states (live). */
  entries(): IterableIterator<[number, FileState]> {
    return this.states.entries();
  }

  /** Deletes every partition file, temporary or final, in the folder (a fresh start). */
  clear(): void {
    this.closeAll();
    this.states.clear();
    for (const name of listDir(this.dir)) {
      if (name.endsWith(".txt.gz") || name.endsWith(INPROGRESS_SUFFIX)) rmSync(join(this.dir, name), { force: true });
    }
    removeStaleTemporaries(this.dir);
  }

  /**
   * Brings the folder back to a recorded state: every recorded file truncated to its
   * recorded size, under the name its state implies (open files are reopened for append
   * when a line comes);
   * every other partition file or temporary deleted. Returns false (and changes
   * nothing further) when a recorded file is missing or shorter than recorded; the
   * caller then starts the stream afresh.
   */
  restore(recorded: Record<string, FileState>): boolean {
    this.closeAll();
    this.states.clear();
    const keep = new Set<string>();
    for (const [key, want] of Object.entries(recorded)) {
      const index = Number(key);
      const fin = this.finalPath(index);
      const tmp = this.tempPath(index);
      const src = existsSync(tmp) ? tmp : existsSync(fin) ? fin : undefined;
      if (src === undefined || statSync(src).size < want.bytes) return false;
      const dst = want.state === "final" ? fin : tmp;
      const other = dst === fin ? tmp : fin;
      if (src !== dst) renameSync(src, dst);
      if (existsSync(other)) rmSync(other, { force: true });
      truncateSync(dst, want.bytes);
      keep.add(dst);
      this.states.set(index, { ...want });
    }
    for (const name of listDir(this.dir)) {
      const path = join(this.dir, name);
      if ((name.endsWith(".txt.gz") || name.endsWith(INPROGRESS_SUFFIX)) && !keep.has(path)) rmSync(path, { force: true });
    }
    removeStaleTemporaries(this.dir);
    return true;
  }
}

/**
 * An append-only text file written as `.name.inprogress` and renamed when finished, with
 * the same restore-to-recorded-size rule (the rejects file of a stream).
 */
export class AppendFile {
  private fd: number | undefined;
  bytes = 0;

  constructor(
    readonly path: string,
    private readonly header = "",
  ) {}

  private get temp(): string {
    const slash = this.path.lastIndexOf("/");
    return `${this.path.slice(0, slash + 1)}.${this.path.slice(slash + 1)}${INPROGRESS_SUFFIX}`;
  }

  /** Appends text (the header first, on the first call); errors name the file. */
  append(text: string): void {
    try {
      this.appendUnchecked(text);
    } catch (err) {
      throw outputError(MODULE, this.path, err);
    }
  }

  private appendUnchecked(text: string): void {
    if (this.fd === undefined) {
      mkdirSync(this.path.slice(0, this.path.lastIndexOf("/")), { recursive: true });
      this.fd = openSync(this.temp, this.bytes > 0 ? "a" : "w");
      if (this.bytes === 0 && this.header) text = this.header + text;
    }
    const data = Buffer.from(text, "latin1");
    writeAll(this.fd, data);
    this.bytes += data.length;
  }

  /** Closes and renames to the final name (nothing when nothing was written). */
  finish(): void {
    if (this.fd !== undefined) {
      closeSync(this.fd);
      this.fd = undefined;
    }
    try {
      if (this.bytes > 0) renameSync(this.temp, this.path);
    } catch (err) {
      throw outputError(MODULE, this.path, err);
    }
  }

  /** Deletes the file and its temporary. */
  clear(): void {
    this.closeQuietly();
    this.bytes = 0;
    rmSync(this.temp, { force: true });
    rmSync(this.path, { force: true });
  }

  /** Truncates the temporary to `bytes` (0: delete both); false when it is too short. */
  restore(bytes: number): boolean {
    this.closeQuietly();
    if (!existsSync(this.temp) && existsSync(this.path)) renameSync(this.path, this.temp);
    rmSync(this.path, { force: true });
    if (bytes === 0) {
      rmSync(this.temp, { force: true });
      this.bytes = 0;
      return true;
    }
    if (!existsSync(this.temp) || statSync(this.temp).size < bytes) return false;
    const fd = openSync(this.temp, "r+");
    try {
      ftruncateSync(fd, bytes);
    } finally {
      closeSync(fd);
    }
    this.bytes = bytes;
    return true;
  }

  /** Closes without renaming. */
  closeQuietly(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
