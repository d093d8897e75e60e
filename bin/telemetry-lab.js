#!/usr/bin/env node
// telemetry-lab command line. Runs the compiled library in ../dist (built by `make setup`).
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const entry = join(root, "dist", "src", "cli", "main.js");
if (!existsSync(entry)) {
  process.stderr.write(`telemetry-lab: ${entry} is missing; run 'make setup' in ${root} first\n`);
  process.exit(2);
}
const { main } = await import(pathToFileURL(entry).href);
try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
