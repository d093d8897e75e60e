/**
 * Peak resident set size of this process, for the benchmarks' children.
 *
 * Linux keeps getrusage's `ru_maxrss` across `execve`, so a child process started by a
 * large parent reports the parent's peak; `VmHWM` in `/proc/self/status` belongs to the
 * child's own address space. Falls back to `ru_maxrss` where /proc is missing.
 */
import { readFileSync } from "node:fs";

/** Peak RSS in MB (MiB). */
export function peakRssMB(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
    if (m) return Number(m[1]) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}
