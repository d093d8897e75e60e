// Shared fixtures for the peaks tests: record builders, temp dirs, and a CLI runner that
// captures the log lines on stderr.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { vi } from "vitest";
import { run } from "../../src/cli/peaks.js";

export function tempDir(prefix = "peaks-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A file-type record. `at` is an ISO instant. */
export function fileRecord(at: string, severity: string, type: string, sha1: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    utc_timestamp: Date.parse(at),
    "file.sha1": sha1,
    "task.severity": severity,
    "file.llfile_type": type,
    "source.user_id": 0,
    "source.origin": "API",
    ...extra,
  };
}

/** `n` records of the same sample. */
export function repeat(n: number, at: string, severity: string, type: string, sha1: string): Record<string, unknown>[] {
  return Array.from({ length: n }, () => fileRecord(at, severity, type, sha1));
}

export function writeJsonArray(path: string, records: unknown[]): string {
  writeFileSync(path, JSON.stringify(records, null, 2) + "\n");
  return path;
}

export function writeJsonLines(path: string, records: unknown[], gzip = false): string {
  const text = records.map((r) => JSON.stringify(r)).join("\n") + "\n";
  writeFileSync(path, gzip ? gzipSync(text) : text);
  return path;
}

export const LOG_LINE = /^INFO -> \[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] \[\d{4,}mb\] (.*)$/;

/** Runs the CLI; returns exit code, the log messages (prefix stripped) and raw stderr/stdout. */
export async function cli(argv: string[]): Promise<{ rc: number; messages: string[]; stderr: string; stdout: string }> {
  let stderr = "";
  let stdout = "";
  const e = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  const o = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  let rc: number;
  try {
    rc = await run(argv);
  } finally {
    e.mockRestore();
    o.mockRestore();
  }
  const messages = stderr
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l) => {
      const m = LOG_LINE.exec(l);
      return m === null ? `!! ${l}` : (m[1] as string);
    });
  return { rc, messages, stderr, stdout };
}

/** The 8 log lines of a peak. */
export function peakLines(d0: string, d1: string, values: (string | number)[]): string[] {
  const names = [
    "sub_count",
    "samp_count",
    "samp_sub_count_max",
    "samp_sub_count_mean",
    "samp_sub_count_std",
    "samp_sub_ratio",
    "global_samp_sub_count_max",
    "global_threshold_suggested",
  ];
  return [`TelemetryPeak(${d0}, ${d1})`, ...names.map((n, i) => `\t${n}: ${values[i]}`)];
}
