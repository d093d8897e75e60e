/**
 * Progress reporting for long work, one interface for three places:
 *
 * - in a tslab notebook: an HTML bar updated in place (one output per task);
 * - in a terminal: a one-line bar on stderr redrawn with `\r` (nothing at all
 *   when stderr is not a TTY, or with `quiet`);
 * - under {@link runCli} (env `TELEMETRY_LAB_PROGRESS=json`): JSON lines on
 *   stderr that the notebook side turns back into an in-place bar.
 *
 * Updates are throttled (default every 200 ms), so calling `update` once per
 * batch of events costs nothing measurable.
 */
import { displayBundle, escapeHtml, inKernel, newDisplayId } from "./kernel.js";

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** What is being done, e.g. "partition auth". */
  label?: string;
  /** Expected number of units (events, records, graphs); enables % and ETA. */
  total?: number;
  /** Expected number of bytes; preferred over `total` for % and ETA when both are known. */
  totalBytes?: number;
  /** Name of the unit counted. Default "events". */
  unit?: string;
  /** Show nothing (e.g. `--quiet`). Default false. */
  quiet?: boolean;
  /** Where to draw; "auto" picks notebook, JSON relay, TTY or nothing. Default "auto". */
  output?: "auto" | "notebook" | "tty" | "json" | "none";
  /** Minimum time between two redraws, in ms. Default 200. */
  intervalMs?: number;
  /** Stream for "tty" and "json" output. Default process.stderr. */
  stream?: NodeJS.WriteStream;
}

/** Defaults of {@link ProgressOptions}. */
export const PROGRESS_DEFAULTS = { label: "", unit: "events", quiet: false, output: "auto", intervalMs: 200 } as const;

/** A running progress display. */
export interface Progress {
  /** Sets the absolute amount done (and bytes read, if known). */
  update(done: number, bytesDone?: number): void;
  /** Adds to the amount done (and bytes read). */
  add(n: number, bytes?: number): void;
  /** Sets a new total (units) when it becomes known. */
  setTotal(total: number | undefined, totalBytes?: number): void;
  /** Draws the final state with an optional summary line. */
  finish(summary?: string): void;
  /** Units done so far. */
  readonly done: number;
}

/** State shared by every renderer. */
export interface ProgressState {
  label: string;
  unit: string;
  done: number;
  bytes: number;
  total?: number;
  totalBytes?: number;
  elapsedMs: number;
  finished: boolean;
  summary?: string;
}

/** Marker that starts a JSON progress line on stderr (ASCII record separator). */
export const PROGRESS_JSON_MARK = "\u001eTLPROGRESS ";

/**
 * Formats a count with SI suffixes: 1234 -> "1.23 k", 1.5e6 -> "1.50 M".
 *
 * @example
 * formatCount(1_234_567) // "1.23 M"
 */
export function formatCount(n: number): string {
  const a = Math.abs(n);
  if (a >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (a >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (a >= 1e4) return `${(n / 1e3).toFixed(1)} k`;
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

/**
 * Formats bytes in binary units.
 *
 * @example
 * formatBytes(1536) // "1.5 KiB"
 */
export function formatBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return i === 0 ? `${v} B` : `${v.toFixed(1)} ${units[i]}`;
}

/**
 * Formats seconds as h:mm:ss or m:ss.
 *
 * @example
 * formatDuration(3725) // "1:02:05"
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "--:--";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  const mm = h > 0 ? String(m).padStart(2, "0") : String(m);
  return `${h > 0 ? `${h}:` : ""}${mm}:${String(r).padStart(2, "0")}`;
}

/** The fraction done in [0, 1], or undefined when no total is known. */
export function progressFraction(s: ProgressState): number | undefined {
  if (s.totalBytes !== undefined && s.totalBytes > 0) return Math.min(1, s.bytes / s.totalBytes);
  if (s.total !== undefined && s.total > 0) return Math.min(1, s.done / s.total);
  return undefined;
}

/** One line of text describing the state: counts, rate, bytes, ETA. */
export function describeProgress(s: ProgressState): string {
  const secs = s.elapsedMs / 1000;
  const rate = secs > 0 ? s.done / secs : 0;
  const frac = progressFraction(s);
  const parts: string[] = [];
  if (s.label) parts.push(s.label);
  if (frac !== undefined) parts.push(`${(frac * 100).toFixed(1).padStart(5)}%`);
  parts.push(`${formatCount(s.done)}${s.total !== undefined ? `/${formatCount(s.total)}` : ""} ${s.unit}`);
  if (s.bytes > 0) parts.push(formatBytes(s.bytes));
  parts.push(`${formatCount(rate)} ${s.unit}/s`);
  if (s.finished) parts.push(`in ${formatDuration(secs)}`);
  else if (frac !== undefined && frac > 0) parts.push(`ETA ${formatDuration((secs * (1 - frac)) / frac)}`);
  let line = parts.join("  ");
  if (s.finished && s.summary) line += `  — ${s.summary}`;
  return line;
}

function bar(frac: number | undefined, width: number): string {
  if (frac === undefined) return "";
  const full = Math.round(frac * width);
  return `[${"#".repeat(full)}${"-".repeat(width - full)}] `;
}

type Renderer = (s: ProgressState) => void;

function ttyRenderer(stream: NodeJS.WriteStream): Renderer {
  return (s) => {
    const cols = stream.columns ?? 100;
    let line = bar(progressFraction(s), 24) + describeProgress(s);
    if (line.length > cols - 1) line = line.slice(0, cols - 1);
    stream.write(`\r${line}\u001b[K${s.finished ? "\n" : ""}`);
  };
}

function jsonRenderer(stream: NodeJS.WriteStream): Renderer {
  return (s) => {
    stream.write(`${PROGRESS_JSON_MARK}${JSON.stringify(s)}\n`);
  };
}

/** HTML for one progress state (used in notebooks). */
export function progressHtml(s: ProgressState): string {
  const frac = progressFraction(s);
  const value = frac === undefined ? "" : ` value="${frac.toFixed(4)}" max="1"`;
  const el = s.finished && frac === undefined ? "" : `<progress style="width:18em;vertical-align:middle"${value}></progress> `;
  return `<div style="font-family:monospace">${el}${escapeHtml(describeProgress(s))}</div>`;
}

/** A renderer that keeps one notebook output per task and redraws it in place. */
export function notebookRenderer(): Renderer {
  const id = newDisplayId("progress");
  let first = true;
  return (s) => {
    displayBundle({ "text/html": progressHtml(s), "text/plain": describeProgress(s) }, { displayId: id, update: !first });
    first = false;
  };
}

function pickRenderer(o: ProgressOptions): Renderer | undefined {
  const stream = o.stream ?? process.stderr;
  const output = o.output ?? "auto";
  if (o.quiet || output === "none") return undefined;
  if (output === "notebook") return notebookRenderer();
  if (output === "tty") return ttyRenderer(stream);
  if (output === "json") return jsonRenderer(stream);
  if (process.env.TELEMETRY_LAB_PROGRESS === "json") return jsonRenderer(stream);
  if (inKernel()) return notebookRenderer();
  if (stream.isTTY) return ttyRenderer(stream);
  return undefined;
}

/**
 * Starts a progress display.
 *
 * @example
 * const p = createProgress({ label: "partition auth", totalBytes: size, unit: "events" });
 * for (const batch of batches) p.add(batch.lines, batch.bytes);
 * p.finish("1,234,567 events in 24 files");
 * // stderr (TTY): [########################] 100.0%  1.23 M events  120.0 MiB  1.10 M events/s  in 0:01
 */
export function createProgress(options: ProgressOptions = {}): Progress {
  const render = pickRenderer(options);
  const interval = options.intervalMs ?? PROGRESS_DEFAULTS.intervalMs;
  const start = Date.now();
  let last = 0;
  const state: ProgressState = {
    label: options.label ?? PROGRESS_DEFAULTS.label,
    unit: options.unit ?? PROGRESS_DEFAULTS.unit,
    done: 0,
    bytes: 0,
    elapsedMs: 0,
    finished: false,
  };
  if (options.total !== undefined) state.total = options.total;
  if (options.totalBytes !== undefined) state.totalBytes = options.totalBytes;
  const draw = (force: boolean): void => {
    if (render === undefined || state.finished) return;
    const now = Date.now();
    if (!force && now - last < interval) return;
    last = now;
    state.elapsedMs = now - start;
    render(state);
  };
  const progress: Progress = {
    get done() {
      return state.done;
    },
    update(done, bytesDone) {
      state.done = done;
      if (bytesDone !== undefined) state.bytes = bytesDone;
      draw(false);
    },
    add(n, bytes) {
      state.done += n;
      if (bytes !== undefined) state.bytes += bytes;
      draw(false);
    },
    setTotal(total, totalBytes) {
      if (total === undefined) delete state.total;
      else state.total = total;
      if (totalBytes !== undefined) state.totalBytes = totalBytes;
    },
    finish(summary) {
      if (state.finished) return;
      state.elapsedMs = Date.now() - start;
      state.finished = true;
      if (summary !== undefined) state.summary = summary;
      if (render !== undefined) render(state);
    },
  };
  draw(true);
  return progress;
}
