/**
 * Events per hour of one LANL stream file, in one streaming pass over its bytes.
 *
 * The LANL cyber1 files (Kent, "Comprehensive, Multi-Source Cyber-Security Events",
 * Los Alamos National Laboratory, 2015, https://csr.lanl.gov/data/cyber1/) start each
 * line with its time in seconds from the data set's origin; hour h holds the times
 * [3600·h, 3600·(h+1)). Malformed lines (wrong field count, non-integer time) are
 * counted apart, as the partitioner rejects them (`src/partition/`).
 */
import { lineTime } from "./parse.js";
import { readLineBatches } from "./reader.js";
import { schemaOf } from "./schema.js";

const MODULE = "telemetry-lab/lanl/events-per-hour";

/** Options of {@link eventsPerHour}. */
export interface EventsPerHourOptions {
  /** Called after each batch with the lines and the (compressed) bytes read so far. */
  onProgress?: (lines: number, bytesRead: number) => void;
}

/** What {@link eventsPerHour} counts. */
export interface EventsPerHour {
  /** Events of each hour since the origin (index = hour); hours after the last event are absent. */
  perHour: number[];
  /** Lines read. */
  lines: number;
  /** Lines that are not events of the stream (wrong field count, bad time). */
  malformed: number;
}

/**
 * Counts the events of each hour of `path`, a file of the LANL stream `stream`.
 *
 * @example
 * const { perHour, lines } = await eventsPerHour("data/lanl/raw/auth.txt.gz", "auth");
 * perHour.length // 240 (hours of the default data set); lines // 1866128
 */
export async function eventsPerHour(path: string, stream: string, options: EventsPerHourOptions = {}): Promise<EventsPerHour> {
  let fieldCount: number;
  try {
    fieldCount = schemaOf(stream).fieldCount;
  } catch (err) {
    throw new Error(`${MODULE}: ${(err as Error).message}`);
  }
  const perHour: number[] = [];
  let lines = 0;
  let malformed = 0;
  for await (const batch of readLineBatches(path)) {
    for (let i = 0; i < batch.count; i++) {
      const t = lineTime(batch.buf, batch.starts[i]!, batch.ends[i]!, fieldCount);
      if (t < 0) {
        malformed += 1;
        continue;
      }
      const h = Math.floor(t / 3600);
      perHour[h] = (perHour[h] ?? 0) + 1;
    }
    lines += batch.count;
    options.onProgress?.(lines, batch.bytesRead);
  }
  for (let h = 0; h < perHour.length; h++) perHour[h] ??= 0;
  return { perHour, lines, malformed };
}
