/**
 * Tables in notebooks: a danfojs DataFrame, or an array of records, shown as an
 * HTML table with a row limit (and as aligned text for plain-text front ends).
 *
 * danfojs has no HTML output of its own; this module reads a DataFrame through
 * its `columns` and `values` properties, so it does not load danfojs itself.
 */
import { displayBundle, escapeHtml, type MimeBundle } from "./kernel.js";

/** Anything with danfojs's DataFrame shape: column names and row-major values. */
export interface DataFrameLike {
  columns: string[];
  values: unknown[][] | unknown[];
}

/** Options of {@link showTable}. */
export interface TableOptions {
  /** Maximum number of rows shown (the first ones). Default 20. */
  limit?: number;
  /** A caption above the table. */
  caption?: string;
  /** Columns to show, in order. Default: all (union of record keys, in first-seen order). */
  columns?: string[];
  /** Digits after the decimal point for non-integer numbers. Default 4. */
  digits?: number;
}

/** Defaults of {@link TableOptions}. */
export const TABLE_DEFAULTS = { limit: 20, digits: 4 } as const;

function isDataFrame(x: unknown): x is DataFrameLike {
  return typeof x === "object" && x !== null && !Array.isArray(x) && Array.isArray((x as DataFrameLike).columns) && Array.isArray((x as DataFrameLike).values);
}

/** Rows and column names from a DataFrame or records. */
export function tableRows(data: DataFrameLike | ReadonlyArray<Record<string, unknown>>, columns?: string[]): { columns: string[]; rows: unknown[][] } {
  if (isDataFrame(data)) {
    const cols = data.columns;
    const values = data.values as unknown[];
    const rows = values.map((r) => (Array.isArray(r) ? r : [r]));
    if (!columns) return { columns: cols, rows };
    const idx = columns.map((c) => {
      const i = cols.indexOf(c);
      if (i < 0) throw new Error(`telemetry-lab/notebook/table: no column '${c}' (columns: ${cols.join(", ")})`);
      return i;
    });
    return { columns, rows: rows.map((r) => idx.map((i) => r[i])) };
  }
  if (!Array.isArray(data)) {
    throw new Error("telemetry-lab/notebook/table: data must be a DataFrame or an array of records");
  }
  let cols = columns;
  if (!cols) {
    const seen = new Set<string>();
    for (const rec of data) for (const k of Object.keys(rec)) seen.add(k);
    cols = [...seen];
  }
  const names = cols;
  return { columns: names, rows: data.map((rec) => names.map((c) => rec[c])) };
}

/**
 * Formats one cell: integers with no fraction, other numbers with `digits`, dates in UTC ISO.
 *
 * @example
 * formatCell(0.123456, 4) // "0.1235"
 */
export function formatCell(v: unknown, digits: number = TABLE_DEFAULTS.digits): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") {
    if (Number.isInteger(v)) return String(v);
    if (!Number.isFinite(v)) return String(v);
    return v.toFixed(digits);
  }
  if (typeof v === "bigint") return v.toString();
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

/**
 * The MIME bundle of a table (pure: nothing displayed).
 *
 * @example
 * const b = tableBundle([{ day: 1, events: 10 }, { day: 2, events: 12 }]);
 * b["text/plain"]
 * // day  events
 * //   1      10
 * //   2      12
 */
export function tableBundle(data: DataFrameLike | ReadonlyArray<Record<string, unknown>>, options: TableOptions = {}): MimeBundle {
  const limit = options.limit ?? TABLE_DEFAULTS.limit;
  const digits = options.digits ?? TABLE_DEFAULTS.digits;
  const { columns, rows } = tableRows(data, options.columns);
  const shown = rows.slice(0, Math.max(0, limit));
  const cells = shown.map((r) => r.map((v) => formatCell(v, digits)));
  const numeric = columns.map((_, j) => shown.length > 0 && shown.every((r) => r[j] === null || r[j] === undefined || typeof r[j] === "number"));
  const note = rows.length > shown.length ? `showing ${shown.length} of ${rows.length} rows` : `${rows.length} row${rows.length === 1 ? "" : "s"}`;
  const th = columns.map((c) => `<th>${escapeHtml(c)}</th>`).join("");
  const body = cells
    .map((r) => `<tr>${r.map((c, j) => `<td${numeric[j] ? ' style="text-align:right"' : ""}>${escapeHtml(c)}</td>`).join("")}</tr>`)
    .join("\n");
  const caption = options.caption ? `<caption style="caption-side:top;text-align:left;font-weight:bold">${escapeHtml(options.caption)}</caption>` : "";
  const html =
    `<table class="telemetry-lab-table dataframe">${caption}<thead><tr>${th}</tr></thead>\n<tbody>\n${body}\n</tbody></table>\n` +
    `<div style="font-size:smaller;color:#666">${escapeHtml(note)}</div>`;
  const widths = columns.map((c, j) => Math.max(c.length, ...cells.map((r) => r[j]!.length)));
  const pad = (s: string, j: number): string => (numeric[j] ? s.padStart(widths[j]!) : s.padEnd(widths[j]!));
  const text = [
    ...(options.caption ? [options.caption] : []),
    columns.map((c, j) => pad(c, j)).join("  ").trimEnd(),
    ...cells.map((r) => r.map((c, j) => pad(c, j)).join("  ").trimEnd()),
    `(${note})`,
  ].join("\n");
  return { "text/html": html, "text/plain": text };
}

/**
 * Shows a DataFrame or an array of records as an HTML table (first `limit` rows).
 *
 * @example
 * showTable([{ stream: "auth", events: 1051430459 }], { caption: "LANL events" });
 */
export function showTable(data: DataFrameLike | ReadonlyArray<Record<string, unknown>>, options: TableOptions = {}): void {
  displayBundle(tableBundle(data, options));
}
