/**
 * `telemetry-lab lanl partition DIR --interval 1h [...]`: split the LANL streams into one
 * gzip file per (stream, interval), the seed's `partitions/` layout. Thin wrapper over
 * `partitionLanl` (`src/partition/partition.ts`).
 */
import { integerOption, listOption, parseCommand } from "../args.js";
import { partitionLanl, DEFAULTS } from "../../partition/partition.js";
import { formatIntervals, formatSummary } from "../../partition/summary.js";
import { displayPath } from "../../io/display-path.js";
import { join } from "node:path";

const USAGE = `usage: telemetry-lab lanl partition DIR [options]

Reads DIR/raw/<stream>.txt.gz (or the seed's DIR/chunked/<stream>/NNNN.txt.gz) and writes
DIR/partitions/<interval, e.g. P0DT1H0M0S>/<stream>/<interval start>.txt.gz, one gzip file per
(stream, interval) with events, each line unchanged. Malformed lines go to
partitions/<interval>/rejects/<stream>.tsv (counted on stderr); a summary goes to
partitions/<interval>/summary.json. A stream that yields no event at all is an error (exit 1).
Killed and rerun, it resumes where it stopped; rerun after completion, it does nothing.
Lines outside --start/--end are counted as out of range (not an error). Two runs on the same
streams at once are refused (a lock per stream; a killed run's lock is taken over).

options:
  --interval D      interval length: 1h, 30m, 1d, 2h30m, P0DT1H0M0S (default 1h)
  --start ISO       keep events at or after this instant (UTC, e.g. 2015-01-01T00:00:00)
  --end ISO         keep events before this instant; others are counted as out of range
  --streams LIST    comma-separated streams (default: auth,proc,flows,dns, those present)
  --jobs N          worker threads (default: number of cores; 0 = no workers)
  --origin ISO      the instant LANL time 0 stands for, and the interval grid's anchor
                    (default 2015-01-01T00:00:00)
  --layout L        auto | raw | chunked (default auto: raw when present)
  --level N         gzip level of the partition files, 1..9 (default ${DEFAULTS.level})
  --block-size B    bytes of input per block handed to a worker (default ${DEFAULTS.blockSize})
  --window N        intervals an interval stays open for late lines (default ${DEFAULTS.window})
  --checkpoint-ms N time between resume checkpoints (default ${DEFAULTS.checkpointMs})
  --intervals       also print events per interval and stream (the summary's perInterval)
  --json            print the summary as JSON instead of a table
  --quiet           no progress bar
  -h, --help        this help
`;

const NAME = "telemetry-lab lanl partition";

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, {
    name: NAME,
    usage: USAGE,
    positionals: 1,
    positionalName: "data folder",
    options: {
      interval: { type: "string" },
      start: { type: "string" },
      end: { type: "string" },
      streams: { type: "string" },
      jobs: { type: "string" },
      origin: { type: "string" },
      layout: { type: "string" },
      level: { type: "string" },
      "block-size": { type: "string" },
      window: { type: "string" },
      "checkpoint-ms": { type: "string" },
      json: { type: "boolean" },
      intervals: { type: "boolean" },
      quiet: { type: "boolean" },
    },
  });
  if (typeof parsed === "number") return parsed;
  const { values: v, positionals } = parsed;
  const intOption = (name: string, value: string | undefined): number | undefined => integerOption(NAME, name, value);
  try {
    const layout = v.layout as "auto" | "raw" | "chunked" | undefined;
    const run = await partitionLanl(positionals[0]!, {
      ...(v.interval !== undefined && { interval: v.interval }),
      ...(v.start !== undefined && { start: v.start }),
      ...(v.end !== undefined && { end: v.end }),
      ...(v.streams !== undefined && { streams: listOption(v.streams)! }),
      ...(v.jobs !== undefined && { jobs: intOption("jobs", v.jobs)! }),
      ...(v.origin !== undefined && { origin: v.origin }),
      ...(layout !== undefined && { layout }),
      ...(v.level !== undefined && { level: intOption("level", v.level)! }),
      ...(v["block-size"] !== undefined && { blockSize: intOption("block-size", v["block-size"])! }),
      ...(v.window !== undefined && { window: intOption("window", v.window)! }),
      ...(v["checkpoint-ms"] !== undefined && { checkpointMs: intOption("checkpoint-ms", v["checkpoint-ms"])! }),
      quiet: v.quiet ?? false,
    });
    // Rejects and empty streams are said on stderr, whatever the output format.
    let empty = 0;
    for (const st of run.summary.streams) {
      const rejectsPath = displayPath(join(run.plan.root, st.rejectsFile ?? join("rejects", `${st.stream}.tsv`)));
      if (st.events === 0) {
        empty += 1;
        const why = [
          st.lines === 0 ? "its input is empty" : "",
          st.rejects > 0 ? `${st.rejects.toLocaleString("en-US")} of ${st.lines.toLocaleString("en-US")} lines malformed (listed in ${rejectsPath})` : "",
          st.before + st.after > 0 ? `${(st.before + st.after).toLocaleString("en-US")} lines outside --start/--end` : "",
        ].filter(Boolean).join(", ");
        process.stderr.write(`${NAME}: error: stream ${st.stream} yields no event: ${why}\n`);
      } else if (st.rejects > 0) {
        process.stderr.write(`${NAME}: warning: stream ${st.stream}: ${st.rejects.toLocaleString("en-US")} of ${st.lines.toLocaleString("en-US")} lines malformed, listed in ${rejectsPath}\n`);
      }
    }
    if (v.json) {
      process.stdout.write(JSON.stringify(run.summary, null, 1) + "\n");
    } else {
      const rate = run.seconds > 0 ? Math.round(run.lines / run.seconds) : 0;
      const notes = [
        run.alreadyDone.length ? `already complete: ${run.alreadyDone.join(",")}` : "",
        run.resumed.length ? `resumed: ${run.resumed.join(",")}` : "",
      ].filter(Boolean);
      process.stdout.write(
        [
          `partitions: ${displayPath(run.plan.root)}`,
          formatSummary(run.summary),
          ...(v.intervals ? ["", formatIntervals(run.summary), ""] : []),
          `summary: ${displayPath(run.summaryPath)}`,
          `this run: ${run.lines.toLocaleString("en-US")} lines in ${run.seconds.toFixed(1)} s (${rate.toLocaleString("en-US")} lines/s)${notes.length ? "; " + notes.join("; ") : ""}`,
          "",
        ].join("\n"),
      );
    }
    return empty > 0 ? 1 : 0;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 1;
  }
}
