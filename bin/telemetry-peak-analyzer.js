#!/usr/bin/env node
// telemetry-peak-analyzer: the drop-in replacement of VMware's Python program
// (same options, log lines, files and exit codes); `telemetry-lab peaks` is the same command.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const entry = join(root, "dist", "src", "cli", "peaks.js");
if (!existsSync(entry)) {
  process.stderr.write(`telemetry-peak-analyzer: ${entry} is missing; run 'make setup' in ${root} first\n`);
  process.exit(2);
}
const { run } = await import(pathToFileURL(entry).href);
try {
  process.exitCode = await run(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
