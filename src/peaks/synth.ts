/**
 * Synthetic telemetry feeds for the peak analyzer: file-submission telemetry in the
 * record format of VMware's telemetry-peak-analyzer example files
 * (`data/telemetry_example_*.json`: `utc_timestamp` in epoch ms, `file.sha1`,
 * `task.severity`, `file.llfile_type`, `source.origin`, ...) and network-event
 * telemetry in the shape its NetworkTypePeakAnalyzer reads (`event.id`,
 * `event.impact`, `threat.name.keyword`, `source.user_id`, `utc_timestamp`).
 *
 * The model (every draw from a seeded PRNG, so one seed gives one byte stream):
 * - volume: each dimension-1 value (file type or threat) gets a Zipf-like share
 *   (rank^-1.5 with log-normal jitter), split over dimension-0 values (severity or
 *   impact) by a per-type mix, so daily volumes of the (dim0, dim1) series span
 *   three to four orders of magnitude; weekends are quieter (x0.6 / x0.5), there
 *   is a slight upward trend and day-to-day log-normal noise (sigma 0.12), small
 *   series are Poisson;
 * - diurnal variation: submission times follow 1 + 0.55 cos(2 pi (h - 15) / 24)
 *   (busiest at 15:00 UTC, when the Americas and Europe overlap);
 * - resubmissions: each sample (sha1 / event id) is submitted k times, k = 1 with
 *   probability 0.88, else 1 + floor(Pareto(2.2)) capped at 200 (about 1.4
 *   submissions per sample, as in the example files); repeat submissions come
 *   after an exponential delay (mean 4 h, or 36 h for 30% of them), so samples
 *   recur on later days;
 * - waves: one (dim0, dim1) series on one UTC day receives many distinct samples
 *   (by default 12x the series' weekday volume, at least 300 submissions) with a
 *   heavier resubmission tail (mean about 4 per sample, as in the original
 *   README's wave: 11083 submissions over 3028 samples), starting at a random
 *   hour and decaying exponentially (mean 3 h) within the day. Waves fall after
 *   the initial global window (`initialDays`). They are the ground truth written
 *   to the sidecar (`truth/waves.json`).
 *
 * Output is streamed day by day (each day is simulated into typed-array columns,
 * counting-sorted by second and written before the next), so any size fits in
 * memory. Records are written as bytes from pre-encoded templates whose blanks
 * (hashes, timestamps, small vocabularies) are filled in place, never through
 * JSON.stringify; the output is valid JSON because every value is a fixed
 * vocabulary string, a hex hash or an integer, so nothing needs escaping.
 */
import { createGzip } from "node:zlib";
import { basename, dirname, join } from "node:path";
import { createAtomicStream, removeStaleTemporaries, writeFileAtomic } from "../io/atomic.js";
import { Prng, hash32, mix32 } from "../random/prng.js";
import { DAY as DAY_MS, formatDate, parseDate } from "./wallclock.js";

/** Record schema: file-submission telemetry or network-event telemetry. */
export type SynthSchema = "file" | "network";
/** Output format: the original's JSON array, or JSON Lines. */
export type SynthFormat = "json" | "jsonl";
/** Which fields each record carries: all fields of the example files, or only the analyzer's. */
export type SynthFields = "full" | "core";

/** An explicitly placed wave. */
export interface SynthWaveSpec {
  /** Dimension-0 value, e.g. "malicious" (file) or "70" (network). */
  dim0: string;
  /** Dimension-1 value, e.g. "ZipArchiveFile" or "Cobalt Strike Beacon"; must be in the catalogue. */
  dim1: string;
  /** Day of the wave: index from the first day (0-based) or a date "YYYY-MM-DD". */
  day: number | string;
  /** Number of submissions; default `strength` x the series' weekday volume (at least `waveMinSubmissions`). */
  submissions?: number;
  /** UTC hour at which the wave starts; default drawn in [4, 12). */
  startHour?: number;
}

/** Options of {@link planFeed} and {@link writeFeed}. */
export interface SynthOptions {
  /** Record schema. Default "file". */
  schema?: SynthSchema;
  /** Number of UTC days. Default 21. */
  days?: number;
  /** First day, "YYYY-MM-DD" (UTC). Default "2021-09-01" (the day of the original's example files). */
  start?: string;
  /** PRNG seed (integer). Default 1. */
  seed?: number;
  /** Exact total number of records; default: `dailyVolume` x days plus the waves (not exact). */
  records?: number;
  /** Mean number of records per day without waves. Default 3000 (file) or 8000 (network). */
  dailyVolume?: number;
  /** Number of dimension-1 values (file types / threats). Default 15 (file) or 12 (network). */
  types?: number;
  /** Number of waves placed automatically (0 = a clean feed), or explicit waves. Default 2. */
  waves?: number | SynthWaveSpec[];
  /** Days at the start kept free of waves (the initial global window). Default 3. */
  initialDays?: number;
  /** Wave size as a multiple of the series' weekday volume. Default 12. */
  waveStrength?: number;
  /** Minimum wave size in submissions (scaled with `records`). Default 300. */
  waveMinSubmissions?: number;
  /** Fields per record. Default "full". */
  fields?: SynthFields;
}

/** Defaults of {@link SynthOptions} (schema-dependent ones are resolved per schema). */
export const DEFAULTS = {
  schema: "file" as SynthSchema,
  days: 21,
  start: "2021-09-01",
  seed: 1,
  waves: 2,
  initialDays: 3,
  waveStrength: 12,
  waveMinSubmissions: 300,
  fields: "full" as SynthFields,
  file: { dailyVolume: 3000, types: 15 },
  network: { dailyVolume: 8000, types: 12 },
} as const;

/** Field names of a schema: the analyzer's index and dimensions. */
export interface SynthSchemaInfo {
  index: [string, string];
  dimensions: [string, string];
  crossDimensions: string[];
  /** Dimension-0 values, in catalogue order. */
  dim0Values: string[];
}

/** Schema field names (index, dimensions, cross dimensions) as the original's analyzers use them. */
export const SCHEMAS: Record<SynthSchema, SynthSchemaInfo> = {
  file: {
    index: ["utc_timestamp", "file.sha1"],
    dimensions: ["task.severity", "file.llfile_type"],
    crossDimensions: ["source.user_id", "source.origin"],
    dim0Values: ["malicious", "suspicious", "benign"],
  },
  network: {
    index: ["utc_timestamp", "event.id"],
    dimensions: ["event.impact", "threat.name.keyword"],
    crossDimensions: ["source.user_id"],
    dim0Values: ["70", "30"],
  },
};

/** One dimension-1 value of a catalogue, with its dimension-0 mix and descriptive fields. */
interface CatalogueEntry {
  name: string;
  /** Share of each dimension-0 value (same order as `dim0Values`). */
  mix: number[];
  /** file: [magic, mime type]; network: [transport, destination port]. */
  info: [string, string];
}

const FILE_TYPES: CatalogueEntry[] = [
  { name: "PeExeFile", mix: [0.42, 0.1, 0.48], info: ["PE executable", "application/x-pe-app-32bit-i386"] },
  { name: "PdfDocFile", mix: [0.04, 0.06, 0.9], info: ["PDF document", "application/pdf"] },
  { name: "ZipArchiveFile", mix: [0.22, 0.05, 0.73], info: ["Zip archive data", "application/zip"] },
  { name: "WordMsDocxFile", mix: [0.05, 0.04, 0.91], info: ["Microsoft Office Word document, Office Open XML format", "application/msoffice-docx"] },
  { name: "ExcelMsDocxFile", mix: [0.04, 0.03, 0.93], info: ["Microsoft Office Excel document, Office Open XML format", "application/msoffice-xlsx"] },
  { name: "HtmlTextFile", mix: [0.12, 0.1, 0.78], info: ["HTML document", "text/html"] },
  { name: "JavascriptScriptFile", mix: [0.3, 0.08, 0.62], info: ["JavaScript text", "application/javascript"] },
  { name: "GzipArchiveFile", mix: [0.08, 0.03, 0.89], info: ["gzip compressed data", "application/x-gzip"] },
  { name: "RtfDocFile", mix: [0.35, 0.06, 0.59], info: ["RTF document", "text/rtf"] },
  { name: "ExcelMsDocFile", mix: [0.1, 0.05, 0.85], info: ["Microsoft Office Excel document", "application/msoffice-xls"] },
  { name: "RarArchiveFile", mix: [0.45, 0.05, 0.5], info: ["RAR archive data", "application/x-rar"] },
  { name: "ISO9660ISOArchiveFile", mix: [0.4, 0.08, 0.52], info: ["ISO 9660 CD-ROM filesystem data", "application/x-iso9660-image"] },
  { name: "LnkExeFile", mix: [0.3, 0.25, 0.45], info: ["Microsoft Windows shortcut", "application/x-ms-shortcut"] },
  { name: "CabArchiveFile", mix: [0.5, 0.05, 0.45], info: ["Microsoft Cabinet archive data", "application/vnd.ms-cab-compressed"] },
  { name: "WordMsDocFile", mix: [0.2, 0.06, 0.74], info: ["Microsoft Office Word document", "application/msoffice-doc"] },
  { name: "MsInstallerExeFile", mix: [0.15, 0.1, 0.75], info: ["Microsoft Installer file", "application/x-msi"] },
  { name: "SevenZipArchiveFile", mix: [0.25, 0.05, 0.7], info: ["7-zip archive data", "application/x-7z-compressed"] },
  { name: "VBSVisualBasicScriptFile", mix: [0.45, 0.15, 0.4], info: ["VBScript text", "text/vbscript"] },
  { name: "BatchScriptFile", mix: [0.2, 0.2, 0.6], info: ["Batch script text", "text/x-msdos-batch"] },
  { name: "ElfExeFile", mix: [0.4, 0.05, 0.55], info: ["ELF executable", "application/x-elf"] },
  { name: "JavaClassExeFile", mix: [0.2, 0.1, 0.7], info: ["compiled Java class data", "application/x-java-class-application"] },
  { name: "PowerpointMsDocxFile", mix: [0.03, 0.03, 0.94], info: ["Microsoft Office Powerpoint document, Office Open XML format", "application/msoffice-pptx"] },
  { name: "CsvDataFile", mix: [0.01, 0.02, 0.97], info: ["CSV Data", "data/csv"] },
  { name: "InternetShortcutFile", mix: [0.15, 0.15, 0.7], info: ["Internet Shortcut file", "text/x-internetshortcut"] },
  { name: "MacroExcelMsDocxFile", mix: [0.3, 0.2, 0.5], info: ["Microsoft Office Excel document, Office Open XML format, with macros", "application/msoffice-xlsm"] },
  { name: "Rar5ArchiveFile", mix: [0.45, 0.05, 0.5], info: ["RAR archive data, version 5", "application/x-rar5"] },
  { name: "SevenZipSfxPeExeFile", mix: [0.3, 0.2, 0.5], info: ["7zip SFX PE executable", "application/x-sfx-pe-7zip-app-32bit-i386"] },
  { name: "WordEncryptedKnownMsDocFile", mix: [0.5, 0.1, 0.4], info: ["Microsoft Office Word document (with password)", "application/msoffice-doc-encrypted"] },
  { name: "ExcelEncryptedKnownMsDocFile", mix: [0.5, 0.1, 0.4], info: ["Microsoft Office Excel document (with password)", "application/msoffice-xls-encrypted"] },
  { name: "BinaryMacroExcelMsDocxFile", mix: [0.3, 0.1, 0.6], info: ["Microsoft Office Excel document, Office Open XML format, with macros and binary storage", "application/msoffice-xlsb"] },
];

const THREATS: CatalogueEntry[] = [
  { name: "Port Scan", mix: [0.1, 0.9], info: ["tcp", "0"] },
  { name: "Malicious Domain Lookup", mix: [0.5, 0.5], info: ["udp", "53"] },
  { name: "SSH Brute Force", mix: [0.3, 0.7], info: ["tcp", "22"] },
  { name: "Phishing Page Access", mix: [0.4, 0.6], info: ["tcp", "443"] },
  { name: "SQL Injection Attempt", mix: [0.35, 0.65], info: ["tcp", "80"] },
  { name: "Cryptominer Pool Connection", mix: [0.6, 0.4], info: ["tcp", "3333"] },
  { name: "RDP Brute Force", mix: [0.4, 0.6], info: ["tcp", "3389"] },
  { name: "Command and Control Beacon", mix: [0.9, 0.1], info: ["tcp", "443"] },
  { name: "Log4j Exploit Attempt", mix: [0.7, 0.3], info: ["tcp", "8080"] },
  { name: "TOR Connection", mix: [0.3, 0.7], info: ["tcp", "9001"] },
  { name: "SMB Lateral Movement", mix: [0.8, 0.2], info: ["tcp", "445"] },
  { name: "DNS Tunneling", mix: [0.6, 0.4], info: ["udp", "53"] },
  { name: "Web Shell Upload", mix: [0.85, 0.15], info: ["tcp", "80"] },
  { name: "Botnet Telnet Scan", mix: [0.2, 0.8], info: ["tcp", "23"] },
  { name: "Data Exfiltration over HTTP", mix: [0.75, 0.25], info: ["tcp", "80"] },
  { name: "Exploit Kit Landing Page", mix: [0.65, 0.35], info: ["tcp", "80"] },
  { name: "Remote Access Trojan Traffic", mix: [0.9, 0.1], info: ["tcp", "4444"] },
  { name: "ICMP Tunneling", mix: [0.5, 0.5], info: ["icmp", "0"] },
  { name: "Suspicious TLS Certificate", mix: [0.25, 0.75], info: ["tcp", "443"] },
  { name: "Cobalt Strike Beacon", mix: [0.95, 0.05], info: ["tcp", "443"] },
];

/** Default wave targets, in order of use (the first is the README walkthrough's peak). */
const WAVE_TARGETS: Record<SynthSchema, [string, string][]> = {
  file: [
    ["malicious", "ZipArchiveFile"],
    ["malicious", "RtfDocFile"],
    ["malicious", "ISO9660ISOArchiveFile"],
    ["malicious", "JavascriptScriptFile"],
    ["malicious", "LnkExeFile"],
    ["malicious", "PeExeFile"],
  ],
  network: [
    ["70", "Log4j Exploit Attempt"],
    ["70", "Command and Control Beacon"],
    ["70", "SMB Lateral Movement"],
    ["70", "Web Shell Upload"],
    ["30", "Port Scan"],
  ],
};

const CATALOGUES: Record<SynthSchema, CatalogueEntry[]> = { file: FILE_TYPES, network: THREATS };

/** A wave as planned (and, after generation, as written). */
export interface SynthWave {
  dim0: string;
  dim1: string;
  /** Day index (0-based) and its date. */
  day: number;
  date: string;
  /** Wave start, epoch ms (the wave runs until the end of its UTC day). */
  startMs: number;
  endMs: number;
  /** Submissions injected (on top of the series' normal traffic). */
  submissions: number;
  /** Distinct samples injected (known after generation). */
  samples: number;
  /** Largest number of submissions of one wave sample (known after generation). */
  maxSubmissionsPerSample: number;
  /** The series' planned normal (non-wave) submissions on the wave day. */
  baselineSubmissions: number;
}

/** A series (dim0, dim1) and its planned volume. */
export interface SynthSeries {
  dim0: string;
  dim1: string;
  /** Expected weekday submissions (before noise). */
  weekdayVolume: number;
}

/** The resolved plan of a feed: options, series, per-day volumes, waves. */
export interface FeedPlan {
  schema: SynthSchema;
  info: SynthSchemaInfo;
  fields: SynthFields;
  seed: number;
  start: string;
  startMs: number;
  days: number;
  initialDays: number;
  series: SynthSeries[];
  /** Normal (non-wave) submissions started on day d for series c: `counts[d * series.length + c]`. */
  counts: Int32Array;
  waves: SynthWave[];
  /** Total number of records in the feed. */
  records: number;
}

const DAY_S = 86_400;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

function parseDay(text: string, what: string): number {
  if (!DATE_RE.test(text)) throw new Error(`telemetry-lab/peaks/synth: ${what} '${text}' is not a date YYYY-MM-DD`);
  const ms = parseDate(text);
  if (ms === undefined) throw new Error(`telemetry-lab/peaks/synth: ${what} '${text}' is not a valid calendar date`);
  return ms;
}

function positiveInt(value: number, what: string, allowZero = false): number {
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new Error(`telemetry-lab/peaks/synth: ${what} must be a${allowZero ? " non-negative" : " positive"} integer, got ${value}`);
  }
  return value;
}

/** Relative volume of a weekday (0 = Sunday) and trend. */
function dayFactor(dayMs: number, d: number): number {
  const dow = new Date(dayMs).getUTCDay();
  const week = dow === 0 ? 0.5 : dow === 6 ? 0.6 : 1;
  return week * (1 + 0.004 * d);
}

/**
 * Resolves options into a feed plan: which series exist, how many normal
 * submissions each gets per day, and where the waves go. Cheap (days x series numbers).
 *
 * @example
 * const plan = planFeed({ days: 21, seed: 1 });
 * plan.series.length; // 45 (15 file types x 3 severities)
 * plan.waves.map((w) => `${w.dim0}/${w.dim1} ${w.date}`);
 * // [ "malicious/ZipArchiveFile 2021-09-09", "malicious/RtfDocFile 2021-09-17" ]
 */
export function planFeed(options: SynthOptions = {}): FeedPlan {
  const schema = options.schema ?? DEFAULTS.schema;
  if (schema !== "file" && schema !== "network") {
    throw new Error(`telemetry-lab/peaks/synth: schema must be 'file' or 'network', got '${String(schema)}'`);
  }
  const info = SCHEMAS[schema];
  const catalogue = CATALOGUES[schema];
  const days = positiveInt(options.days ?? DEFAULTS.days, "days");
  const start = options.start ?? DEFAULTS.start;
  const startMs = parseDay(start, "start");
  const seed = options.seed ?? DEFAULTS.seed;
  if (!Number.isSafeInteger(seed)) throw new Error(`telemetry-lab/peaks/synth: seed must be an integer, got ${seed}`);
  const seedLo = seed >>> 0;
  const seedHi = Math.floor(seed / 4294967296) >>> 0;
  const types = positiveInt(options.types ?? DEFAULTS[schema].types, "types");
  if (types > catalogue.length) {
    throw new Error(`telemetry-lab/peaks/synth: types must be at most ${catalogue.length} for schema '${schema}', got ${types}`);
  }
  const dailyVolume = options.dailyVolume ?? DEFAULTS[schema].dailyVolume;
  if (!(dailyVolume > 0)) throw new Error(`telemetry-lab/peaks/synth: dailyVolume must be positive, got ${dailyVolume}`);
  const initialDays = positiveInt(options.initialDays ?? DEFAULTS.initialDays, "initialDays", true);
  const strength = options.waveStrength ?? DEFAULTS.waveStrength;
  const minWave = options.waveMinSubmissions ?? DEFAULTS.waveMinSubmissions;
  const fields = options.fields ?? DEFAULTS.fields;
  if (fields !== "full" && fields !== "core") {
    throw new Error(`telemetry-lab/peaks/synth: fields must be 'full' or 'core', got '${String(fields)}'`);
  }
  if (options.records !== undefined) positiveInt(options.records, "records", true);

  const rng = new Prng(seedLo, seedHi, 0x706c616e); // "plan"
  // Zipf-like type shares with log-normal jitter.
  const shares: number[] = [];
  for (let k = 0; k < types; k++) shares.push(Math.pow(k + 1, -1.5) * Math.exp(0.25 * rng.normal()));
  const shareSum = shares.reduce((a, b) => a + b, 0);
  const meanWeek = (5 + 0.6 + 0.5) / 7;
  const series: SynthSeries[] = [];
  for (let k = 0; k < types; k++) {
    const entry = catalogue[k]!;
    for (let j = 0; j < info.dim0Values.length; j++) {
      const volume = ((dailyVolume / meanWeek) * shares[k]! * entry.mix[j]!) / shareSum;
      series.push({ dim0: info.dim0Values[j]!, dim1: entry.name, weekdayVolume: volume });
    }
  }
  const nSeries = series.length;
  const seriesIndex = new Map(series.map((s, i) => [`${s.dim0}\u0000${s.dim1}`, i]));

  // Waves: explicit, or the first N default targets present, spread after the initial window.
  const specs: SynthWaveSpec[] = [];
  const wavesOpt = options.waves ?? DEFAULTS.waves;
  if (typeof wavesOpt === "number") {
    positiveInt(wavesOpt, "waves", true);
    const targets = WAVE_TARGETS[schema].filter(([, d1]) => catalogue.slice(0, types).some((e) => e.name === d1));
    if (wavesOpt > targets.length) {
      throw new Error(`telemetry-lab/peaks/synth: at most ${targets.length} automatic waves with ${types} types, got ${wavesOpt}`);
    }
    const first = Math.min(initialDays + 1, days - 1);
    const span = Math.max(1, days - 1 - first);
    for (let i = 0; i < wavesOpt; i++) {
      const day = Math.min(days - 1, first + Math.floor(((i + 0.5) * span) / wavesOpt));
      specs.push({ dim0: targets[i]![0], dim1: targets[i]![1], day });
    }
  } else {
    specs.push(...wavesOpt);
  }

  // Expected volumes, then counts (Poisson around the noisy expectation).
  const expected = new Float64Array(days * nSeries);
  for (let d = 0; d < days; d++) {
    const f = dayFactor(startMs + d * DAY_MS, d);
    for (let c = 0; c < nSeries; c++) {
      expected[d * nSeries + c] = series[c]!.weekdayVolume * f * Math.exp(0.12 * rng.normal() - 0.0072);
    }
  }
  const waves: SynthWave[] = specs.map((spec, i) => {
    const c = seriesIndex.get(`${spec.dim0}\u0000${spec.dim1}`);
    if (c === undefined) {
      throw new Error(`telemetry-lab/peaks/synth: wave ${i + 1}: series (${spec.dim0}, ${spec.dim1}) is not in the feed`);
    }
    const day = typeof spec.day === "number" ? spec.day : Math.round((parseDay(spec.day, `wave ${i + 1} day`) - startMs) / DAY_MS);
    if (!Number.isInteger(day) || day < 0 || day >= days) {
      throw new Error(`telemetry-lab/peaks/synth: wave ${i + 1}: day ${String(spec.day)} is outside the feed (${days} days from ${start})`);
    }
    const subs = spec.submissions ?? Math.max(minWave, Math.round(strength * series[c]!.weekdayVolume));
    positiveInt(subs, `wave ${i + 1} submissions`);
    const startHour = spec.startHour ?? 4 + rng.int(8);
    if (!(startHour >= 0 && startHour < 24)) throw new Error(`telemetry-lab/peaks/synth: wave ${i + 1}: startHour must be in [0, 24)`);
    const dayMs = startMs + day * DAY_MS;
    return {
      dim0: spec.dim0,
      dim1: spec.dim1,
      day,
      date: formatDate(dayMs),
      startMs: dayMs + Math.round(startHour * 3600) * 1000,
      endMs: dayMs + DAY_MS,
      submissions: subs,
      samples: 0,
      maxSubmissionsPerSample: 0,
      baselineSubmissions: 0,
      series: c,
    } as SynthWave & { series: number };
  });

  let scale = 1;
  if (options.records !== undefined) {
    const total = expected.reduce((a, b) => a + b, 0) + waves.reduce((a, w) => a + w.submissions, 0);
    scale = total > 0 ? options.records / total : 0;
    for (const w of waves) w.submissions = Math.max(options.records > 0 ? 1 : 0, Math.round(w.submissions * scale));
  }
  const counts = new Int32Array(days * nSeries);
  let sum = 0;
  for (let i = 0; i < counts.length; i++) {
    counts[i] = rng.poisson(expected[i]! * scale);
    sum += counts[i]!;
  }
  const waveSum = waves.reduce((a, w) => a + w.submissions, 0);
  if (options.records !== undefined) {
    // Hit the exact total: remove from waves first if they alone exceed it, then adjust
    // single submissions in cells drawn with probability proportional to their expectation.
    let excess = waveSum - options.records;
    for (let i = waves.length - 1; i >= 0 && excess > 0; i--) {
      const cut = Math.min(excess, waves[i]!.submissions);
      waves[i]!.submissions -= cut;
      excess -= cut;
    }
    const target = options.records - waves.reduce((a, w) => a + w.submissions, 0);
    adjustTotal(counts, expected, sum, target, rng);
    sum = target;
  }
  for (const w of waves as (SynthWave & { series: number })[]) w.baselineSubmissions = counts[w.day * nSeries + w.series]!;
  for (const s of series) s.weekdayVolume *= scale;
  const records = sum + waves.reduce((a, w) => a + w.submissions, 0);
  return { schema, info, fields, seed, start, startMs, days, initialDays, series, counts, waves, records };
}

function adjustTotal(counts: Int32Array, weights: Float64Array, sum: number, target: number, rng: Prng): void {
  if (target === sum) return;
  const cum = new Float64Array(weights.length);
  let acc = 0;
  for (let i = 0; i < weights.length; i++) {
    acc += weights[i]!;
    cum[i] = acc;
  }
  const pick = (): number => {
    if (acc <= 0) return rng.int(weights.length);
    const x = rng.float() * acc;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cum[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  while (sum < target) {
    counts[pick()]! += 1;
    sum += 1;
  }
  let guard = 0;
  while (sum > target) {
    const i = pick();
    if (counts[i]! > 0) {
      counts[i]! -= 1;
      sum -= 1;
    } else if (++guard > 1e7) {
      // Weighted picks keep missing non-empty cells: take from the first non-empty one.
      const j = counts.findIndex((v) => v > 0);
      counts[j]! -= 1;
      sum -= 1;
    }
  }
}

// ---------------------------------------------------------------------------
// Record bytes: records are written straight into a Buffer from pre-encoded
// fragments (field names, vocabulary values), hex hashes and integer digits.

const enc = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, "latin1"));
/** Two ASCII hex digits per byte value: HEX_PAIRS[2b], HEX_PAIRS[2b + 1]. */
const HEX_PAIRS: Uint8Array = enc(Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0")).join(""));

/** An output chunk being filled with record bytes. */
class ByteSink {
  buf: Uint8Array;
  pos = 0;
  constructor(readonly size: number) {
    this.buf = new Uint8Array(size);
  }
  put(bytes: Uint8Array): void {
    const n = bytes.length;
    const buf = this.buf;
    let p = this.pos;
    if (n > 32) {
      buf.set(bytes, p);
      p += n;
    } else {
      for (let i = 0; i < n; i++) buf[p++] = bytes[i]!;
    }
    this.pos = p;
  }
  /** 8 hex digits of a 32-bit word. */
  hex32(x: number): void {
    const buf = this.buf;
    const p = this.pos;
    const a = (x >>> 23) & 0x1fe;
    const b = (x >>> 15) & 0x1fe;
    const c = (x >>> 7) & 0x1fe;
    const d = (x << 1) & 0x1fe;
    buf[p] = HEX_PAIRS[a]!;
    buf[p + 1] = HEX_PAIRS[a + 1]!;
    buf[p + 2] = HEX_PAIRS[b]!;
    buf[p + 3] = HEX_PAIRS[b + 1]!;
    buf[p + 4] = HEX_PAIRS[c]!;
    buf[p + 5] = HEX_PAIRS[c + 1]!;
    buf[p + 6] = HEX_PAIRS[d]!;
    buf[p + 7] = HEX_PAIRS[d + 1]!;
    this.pos = p + 8;
  }
  /** `words` words of hex derived from a sample key and a salt (a stable fake hash). */
  hash(key: number, salt: number, words: number): void {
    let h = mix32(key ^ salt) | 0;
    for (let i = 0; i < words; i++) {
      h = mix32((h + 0x9e3779b9 + i) | 0) | 0;
      this.hex32(h);
    }
  }
  /** Decimal digits of a non-negative integer below 2^31. */
  int(n: number): void {
    const buf = this.buf;
    let p = this.pos;
    if (n < 10) {
      buf[p] = 48 + n;
      this.pos = p + 1;
      return;
    }
    let digits = 0;
    for (let m = n; m > 0; m = (m / 10) | 0) digits++;
    p += digits;
    this.pos = p;
    for (let m = n; m > 0; ) {
      const q = (m / 10) | 0;
      buf[--p] = 48 + m - q * 10;
      m = q;
    }
  }
  /** Epoch milliseconds of a whole second: the seconds' digits, then "000". */
  msOfSecond(seconds: number): void {
    if (seconds >= 1e9 && seconds < 1e10) {
      this.fixedMs(this.pos, seconds);
      this.pos += 13;
      return;
    }
    this.int(seconds);
    const buf = this.buf;
    const p = this.pos;
    buf[p] = 48;
    buf[p + 1] = 48;
    buf[p + 2] = 48;
    this.pos = p + 3;
  }
  /** Writes the 13 digits of `seconds` x 1000 at `at`, for seconds in [1e9, 1e10) (years 2001-2286). */
  fixedMs(at: number, seconds: number): void {
    const buf = this.buf;
    const hi = Math.floor(seconds / 100000);
    let lo = seconds - hi * 100000;
    let h = hi;
    for (let k = 9; k >= 5; k--) {
      const q = (lo / 10) | 0;
      buf[at + k] = 48 + lo - q * 10;
      lo = q;
    }
    for (let k = 4; k >= 0; k--) {
      const q = (h / 10) | 0;
      buf[at + k] = 48 + h - q * 10;
      h = q;
    }
    buf[at + 10] = 48;
    buf[at + 11] = 48;
    buf[at + 12] = 48;
  }
  /**
   * Appends a record template, filling its blanks: the identity hash (`words` words of
   * `key`, `salt`) at `idAt` and the 13-digit timestamp of `seconds` just before the final '}'.
   */
  template(t: Uint8Array, idAt: number, key: number, salt: number, words: number, seconds: number): void {
    const p = this.pos;
    this.buf.set(t, p);
    this.hashAt(p + idAt, key, salt, words);
    if (seconds >= 1e9 && seconds < 1e10) this.fixedMs(p + t.length - 14, seconds);
    else throw new Error(`telemetry-lab/peaks/synth: timestamp ${seconds} s is outside 2001-2286`);
    this.pos = p + t.length;
  }
  /** Like {@link hash}, at a given position (the cursor is not moved). */
  hashAt(at: number, key: number, salt: number, words: number): void {
    const p = this.pos;
    this.pos = at;
    this.hash(key, salt, words);
    this.pos = p;
  }
  /** Hands the filled part over and starts a fresh buffer. */
  take(): Buffer {
    const out = Buffer.from(this.buf.buffer, 0, this.pos);
    this.buf = new Uint8Array(this.size);
    this.pos = 0;
    return out;
  }
}

const ORIGIN_NAMES = ["API", "EMAIL", "HTTP", "SMB", "FTP"];
const ORIGIN_CUM = [0.8, 0.91, 0.975, 0.995, 1];
const REGION_NAMES = ["AMER", "EMEA", "APAC"];
const REGION_CUM = [0.6, 0.88, 1];
const SECTOR_NAMES = ["IT", "Healthcare", "Finance", "Education", "Manufacturing", "Government", "Other", "Unspecified"];
const SECTOR_CUM = [0.6, 0.7, 0.79, 0.84, 0.88, 0.91, 0.96, 1];
const MALICIOUS_LABEL_NAMES = ["trojan.generic", "trojan.downloader", "trojan.dropper", "trojan.infostealer", "backdoor.generic", "ransomware.generic", "exploit.generic", "adware.generic"];
const BENIGN_LABEL_NAMES = ["not_run", "unclassified", "undetected"];

function pickCum(cum: number[], x: number): number {
  let i = 0;
  while (cum[i]! <= x) i++;
  return i;
}

/** Writes one record from its identity; per-submission fields come from `rng`. */
type RecordWriter = (sink: ByteSink, series: number, sampleKey: number, epochSeconds: number, rng: Prng) => void;

/** Longest record a writer can produce, in bytes (for buffer room checks). */
const MAX_RECORD_BYTES = 2048;

function fileWriter(plan: FeedPlan): RecordWriter {
  const cat = new Map(FILE_TYPES.map((e) => [e.name, e]));
  if (plan.fields === "core") {
    // One template per (series, origin) with blanks for the sha1 and the timestamp.
    const pre = plan.series.map((s) => `{"file.llfile_type": "${s.dim1}", "file.sha1": "`);
    const templates = plan.series.map((s, c) =>
      ORIGIN_NAMES.map((o) => enc(`${pre[c]}${"0".repeat(40)}", "source.origin": "${o}", "source.user_id": 0, "task.severity": "${s.dim0}", "utc_timestamp": ${"0".repeat(13)}}`)),
    );
    const shaAt = pre.map((t) => t.length);
    return (o, c, key, ts, rng) => {
      o.template(templates[c]![pickCum(ORIGIN_CUM, rng.float())]!, shaAt[c]!, key, 0x5a1, 5, ts);
    };
  }
  const severity = plan.series.map((s) => SCHEMAS.file.dim0Values.indexOf(s.dim0));
  // Fragments between the variable parts, pre-joined with the small vocabularies around them.
  const labelPart = [...MALICIOUS_LABEL_NAMES, ...BENIGN_LABEL_NAMES].map((l) => enc(`{"analysis.label": "${l}`));
  const labelIndex = new Map([...MALICIOUS_LABEL_NAMES, ...BENIGN_LABEL_NAMES].map((l, i) => [l, i]));
  const malicious = MALICIOUS_LABEL_NAMES.map((l) => labelIndex.get(l)!);
  const [notRun, unclassified, undetected] = BENIGN_LABEL_NAMES.map((l) => labelIndex.get(l)!) as [number, number, number];
  // [series][region][sector]: `", "customer.channel": ..., "file.md5": "`
  const customerPart = plan.series.map((s) =>
    REGION_NAMES.map((r) =>
      SECTOR_NAMES.map((sec) =>
        enc(
          `", "customer.channel": null, "customer.installation_type": null, "customer.region": "${r}", "customer.sector": "${sec}", ` +
            `"customer.type": null, "file.llfile_type": "${s.dim1}", "file.magic": "${cat.get(s.dim1)!.info[0]}", "file.md5": "`,
        ),
      ),
    ),
  );
  const mimePart = plan.series.map((s) => enc(`", "file.mime_type": "${cat.get(s.dim1)!.info[1]}", "file.name": null, "file.sha1": "`));
  const sha256Part = enc(`", "file.sha256": "`);
  const originPart = ORIGIN_NAMES.map((o) =>
    enc(
      `", "file.size": 0, "source.access_key_id": 0, "source.data_center": null, "source.geo.country_iso_code": null, "source.geo.location": "0.00,0.00", ` +
        `"source.origin": "${o}", "source.submitter_ip": "0.0.0.0", "source.user_id": 0, "submission_id": 0, "task.portal_url": null, "task.score": `,
    ),
  );
  const sevPart = plan.series.map((s) => enc(`, "task.severity": "${s.dim0}", "task.uuid": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "utc_timestamp": `));
  return (o, c, key, ts, rng) => {
    const sample = mix32(key ^ 0x1abe1);
    let label: number;
    let score: number;
    const sv = severity[c]!;
    if (sv === 0) {
      label = malicious[sample % malicious.length]!;
      score = 70 + ((sample >>> 8) % 31);
    } else if (sv === 1) {
      label = (sample & 1) === 0 ? unclassified : notRun;
      score = 30 + ((sample >>> 8) % 40);
    } else {
      label = (sample >>> 4) % 8 === 0 ? ((sample >>> 12) & 1 ? undetected : unclassified) : notRun;
      score = (sample >>> 8) % 4 === 0 ? (sample >>> 16) % 30 : 0;
    }
    o.put(labelPart[label]!);
    o.put(customerPart[c]![pickCum(REGION_CUM, rng.float())]![pickCum(SECTOR_CUM, rng.float())]!);
    o.hash(key, 0x3d5, 4);
    o.put(mimePart[c]!);
    o.hash(key, 0x5a1, 5);
    o.put(sha256Part);
    o.hash(key, 0x256, 8);
    o.put(originPart[pickCum(ORIGIN_CUM, rng.float())]!);
    o.int(score);
    o.put(sevPart[c]!);
    o.msOfSecond(ts);
    o.buf[o.pos++] = 125; // }
  };
}

function networkWriter(plan: FeedPlan): RecordWriter {
  const cat = new Map(THREATS.map((e) => [e.name, e]));
  const pre = plan.series.map((s) =>
    plan.fields === "core" ? `{"event.id": "` : `{"destination.ip": "0.0.0.0", "destination.port": ${cat.get(s.dim1)!.info[1]}, "event.id": "`,
  );
  const mid = plan.series.map((s) =>
    plan.fields === "core"
      ? `", "event.impact": "${s.dim0}", "source.user_id": 0, "threat.name.keyword": "${s.dim1}", "utc_timestamp": `
      : `", "event.impact": "${s.dim0}", "event.kind": "alert", "network.transport": "${cat.get(s.dim1)!.info[0]}", "source.ip": "0.0.0.0", "source.user_id": 0, "threat.name.keyword": "${s.dim1}", "utc_timestamp": `,
  );
  const templates = plan.series.map((_, c) => enc(`${pre[c]}${"0".repeat(32)}${mid[c]}${"0".repeat(13)}}`));
  const idAt = pre.map((t) => t.length);
  return (o, c, key, ts) => {
    o.template(templates[c]!, idAt[c]!, key, 0xe1d, 4, ts);
  };
}

// ---------------------------------------------------------------------------
// Generation

/** Most records one day may hold (the day's columns live in memory). */
const MAX_DAY_RECORDS = 2 ** 27;

/** Growable columns of one day's submissions. */
class Submissions {
  sec: Int32Array; // second of the feed (from the first day's midnight)
  series: Int32Array;
  key: Int32Array; // sample identity hash
  length = 0;
  constructor(capacity: number) {
    this.sec = new Int32Array(Math.max(16, capacity));
    this.series = new Int32Array(this.sec.length);
    this.key = new Int32Array(this.sec.length);
  }
  push(sec: number, series: number, key: number): void {
    if (this.length === this.sec.length) {
      const grow = (a: Int32Array): Int32Array => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.sec = grow(this.sec);
      this.series = grow(this.series);
      this.key = grow(this.key);
    }
    this.sec[this.length] = sec;
    this.series[this.length] = series;
    this.key[this.length] = key;
    this.length += 1;
  }
}

/** Diurnal profile in 96 quarter-hour bins, as a cumulative distribution. */
const DIURNAL_CUM: Float64Array = (() => {
  const w = new Float64Array(96);
  let acc = 0;
  for (let i = 0; i < 96; i++) {
    const h = (i + 0.5) / 4;
    acc += 1 + 0.55 * Math.cos((2 * Math.PI * (h - 15)) / 24);
    w[i] = acc;
  }
  for (let i = 0; i < 96; i++) w[i] = w[i]! / acc;
  return w;
})();

function diurnalSecond(rng: Prng): number {
  const x = rng.float();
  let lo = 0;
  let hi = 95;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (DIURNAL_CUM[mid]! > x) hi = mid;
    else lo = mid + 1;
  }
  return lo * 900 + rng.int(900);
}

/** Simulates one day: its submissions (normal traffic, carried-over repeats, waves), unsorted. */
function simulateDay(plan: FeedPlan, d: number, carry: Map<number, Submissions>, waveSeries: number[]): Submissions {
  const nSeries = plan.series.length;
  const totalSec = plan.days * DAY_S;
  const seedLo = plan.seed >>> 0;
  const seedHi = Math.floor(plan.seed / 4294967296) >>> 0;
  const rng = new Prng(seedLo, seedHi, 0x6461790a, d); // "day"
  const waves = plan.waves.map((w, i) => [w, i] as const).filter(([w]) => w.day === d);
  let planned = 0;
  for (let c = 0; c < nSeries; c++) planned += plan.counts[d * nSeries + c]!;
  for (const [w] of waves) planned += w.submissions;
  const fromBefore = carry.get(d);
  carry.delete(d);
  const today = new Submissions(planned + (fromBefore?.length ?? 0));
  if (fromBefore) {
    for (let i = 0; i < fromBefore.length; i++) today.push(fromBefore.sec[i]!, fromBefore.series[i]!, fromBefore.key[i]!);
  }
  const dayStart = d * DAY_S;
  // Normal traffic: samples with heavy-tailed resubmission counts, repeats after a delay.
  for (let c = 0; c < nSeries; c++) {
    let remaining = plan.counts[d * nSeries + c]!;
    let idx = 0;
    const base = hash32(seedLo, seedHi, c, d);
    while (remaining > 0) {
      const k = Math.min(remaining, rng.heavyCount(0.88, 2.2, 200));
      remaining -= k;
      const key = mix32(base + idx * 0x9e3779b9) | 0;
      idx += 1;
      const t0 = dayStart + diurnalSecond(rng);
      today.push(t0, c, key);
      for (let j = 1; j < k; j++) {
        const delay = Math.floor(rng.float() < 0.7 ? rng.exponential(4 * 3600) : rng.exponential(36 * 3600));
        let t = t0 + delay;
        if (t >= totalSec) t = t0 + (delay % (totalSec - t0));
        const td = Math.floor(t / DAY_S);
        if (td === d) today.push(t, c, key);
        else {
          let later = carry.get(td);
          if (!later) carry.set(td, (later = new Submissions(64)));
          later.push(t, c, key);
        }
      }
    }
  }
  // Waves: many distinct samples of one series within the day, heavier resubmission.
  for (const [wave, wi] of waves) {
    const c = waveSeries[wi]!;
    const startSec = dayStart + Math.round((wave.startMs - plan.startMs - d * DAY_MS) / 1000);
    const span = dayStart + DAY_S - startSec;
    const base = hash32(seedLo, seedHi, c, d, 0x7761, wi); // "wa"
    let remaining = wave.submissions;
    let samples = 0;
    let maxK = 0;
    while (remaining > 0) {
      const k = Math.min(remaining, rng.heavyCount(0.65, 2.0, 500));
      remaining -= k;
      const key = mix32(base + samples * 0x9e3779b9) | 0;
      samples += 1;
      if (k > maxK) maxK = k;
      for (let j = 0; j < k; j++) today.push(startSec + (Math.floor(rng.exponential(3 * 3600)) % span), c, key);
    }
    wave.samples = samples;
    wave.maxSubmissionsPerSample = maxK;
  }
  if (today.length > MAX_DAY_RECORDS) {
    throw new Error(`telemetry-lab/peaks/synth: day ${formatDate(plan.startMs + d * DAY_MS)} has ${today.length} records (limit ${MAX_DAY_RECORDS}); use more days`);
  }
  return today;
}

/**
 * Generates the feed as bytes, day by day in time order, in chunks of about
 * `chunkBytes` bytes: a JSON array (one record per line, like
 * `[\n{...},\n{...}\n]\n`) or JSON Lines. Fills in the waves' `samples` and
 * `maxSubmissionsPerSample` as their days are generated. `progress.records`, if
 * given, counts the records yielded so far.
 *
 * @example
 * const plan = planFeed({ days: 2, dailyVolume: 10, waves: 0 });
 * Buffer.concat([...generateFeed(plan, "jsonl")]).toString().split("\n")[0];
 * // '{"analysis.label": "not_run", ..., "utc_timestamp": 1630454761000}'
 */
export function* generateFeed(plan: FeedPlan, format: SynthFormat, chunkBytes = 1 << 22, progress?: { records: number }): Generator<Buffer> {
  if (format !== "json" && format !== "jsonl") {
    throw new Error(`telemetry-lab/peaks/synth: format must be 'json' or 'jsonl', got '${String(format)}'`);
  }
  const writer = plan.schema === "file" ? fileWriter(plan) : networkWriter(plan);
  const seedLo = plan.seed >>> 0;
  const seedHi = Math.floor(plan.seed / 4294967296) >>> 0;
  const carry = new Map<number, Submissions>();
  const waveSeries = plan.waves.map((w) => plan.series.findIndex((s) => s.dim0 === w.dim0 && s.dim1 === w.dim1));
  const json = format === "json";
  const startSec = plan.startMs / 1000;
  let bucket = new Int32Array(0);
  let order = new Int32Array(0);
  const sink = new ByteSink(Math.max(chunkBytes, 4 * MAX_RECORD_BYTES));
  const limit = sink.size - MAX_RECORD_BYTES;
  let first = true;
  let emitted = 0;
  if (json) sink.buf[sink.pos++] = 91; // [
  for (let d = 0; d < plan.days; d++) {
    const today = simulateDay(plan, d, carry, waveSeries);
    const dayStart = d * DAY_S;
    // Sort by time: counting sort on the second of the day (stable: ties keep generation order).
    const n = today.length;
    if (bucket.length < DAY_S + 1) bucket = new Int32Array(DAY_S + 1);
    bucket.fill(0);
    const secs = today.sec;
    for (let i = 0; i < n; i++) bucket[secs[i]! - dayStart + 1]! += 1;
    for (let b = 1; b <= DAY_S; b++) bucket[b]! += bucket[b - 1]!;
    if (order.length < n) order = new Int32Array(Math.max(n, order.length * 2));
    for (let i = 0; i < n; i++) order[bucket[secs[i]! - dayStart]!++] = i;
    const emit = new Prng(seedLo, seedHi, 0x656d6974, d); // "emit"
    for (let j = 0; j < n; j++) {
      const i = order[j]!;
      if (json) {
        if (!first) sink.buf[sink.pos++] = 44; // ,
        sink.buf[sink.pos++] = 10;
      }
      first = false;
      writer(sink, today.series[i]!, today.key[i]!, startSec + today.sec[i]!, emit);
      if (!json) sink.buf[sink.pos++] = 10;
      if (sink.pos >= limit) {
        if (progress) progress.records = emitted + j + 1;
        yield sink.take();
      }
    }
    emitted += n;
  }
  if (json) {
    if (!first) sink.buf[sink.pos++] = 10;
    sink.buf[sink.pos++] = 93; // ]
    sink.buf[sink.pos++] = 10;
  }
  if (progress) progress.records = emitted;
  if (sink.pos > 0) yield sink.take();
}

/**
 * The feed's records as JSON Lines strings, in batches (for tests and notebooks;
 * {@link generateFeed} is the fast path).
 *
 * @example
 * for (const lines of generateRecords(planFeed({ days: 1, dailyVolume: 5, waves: 0 }))) console.log(lines.length);
 */
export function* generateRecords(plan: FeedPlan): Generator<string[]> {
  let rest = "";
  for (const chunk of generateFeed(plan, "jsonl")) {
    const lines = (rest + chunk.toString("latin1")).split("\n");
    rest = lines.pop()!;
    if (lines.length > 0) yield lines;
  }
}

/** Options of {@link writeFeed}: the feed's options plus where and how to write it. */
export interface WriteFeedOptions extends SynthOptions {
  /**
   * Output: a folder (the feed is written as `telemetry.<ext>` for the file schema,
   * `network.<ext>` for the network schema, with `truth/waves.json` /
   * `truth/network-waves.json`), or a file path ending in .json, .jsonl, .json.gz or
   * .jsonl.gz (the sidecar is then `truth/<name>.waves.json` beside it). The answer key
   * sits in its own folder so that a glob over the feeds (`data/peaks/*.json`) never
   * reads it as telemetry.
   */
  out: string;
  /** Output format; default from the `out` extension, else "json". */
  format?: SynthFormat;
  /** Compress with gzip; default from the `out` extension, else false. */
  gzip?: boolean;
  /** gzip level 1-9. Default 6. */
  gzipLevel?: number;
  /** Called after each batch with the records written so far. */
  onProgress?: (records: number, total: number) => void;
}

/** What {@link writeFeed} wrote. */
export interface FeedSummary {
  /** Path of the feed file. */
  feed: string;
  /** Path of the ground-truth sidecar. */
  sidecar: string;
  format: SynthFormat;
  gzip: boolean;
  records: number;
  /** Bytes written (compressed size when gzip). */
  bytes: number;
  plan: FeedPlan;
}

const EXT_RE = /\.(jsonl|json)(\.gz)?$/;

/** The folder, beside the feed, that holds the ground-truth sidecar (out of reach of a feed glob). */
export const TRUTH_DIR = "truth";

/** Resolves `out`, `format` and `gzip` into the feed and sidecar paths. */
export function feedPaths(out: string, schema: SynthSchema, format?: SynthFormat, gzip?: boolean): { feed: string; sidecar: string; format: SynthFormat; gzip: boolean } {
  const m = EXT_RE.exec(out);
  if (m) {
    const fmt = format ?? (m[1] as SynthFormat);
    const gz = gzip ?? m[2] !== undefined;
    if (fmt !== m[1] || gz !== (m[2] !== undefined)) {
      throw new Error(`telemetry-lab/peaks/synth: output '${out}' has an extension that contradicts --format ${fmt}${gz ? " --gzip" : ""}`);
    }
    const base = basename(out).replace(EXT_RE, "");
    return { feed: out, sidecar: join(dirname(out), TRUTH_DIR, `${base}.waves.json`), format: fmt, gzip: gz };
  }
  const fmt = format ?? "json";
  const gz = gzip ?? false;
  const name = schema === "file" ? "telemetry" : "network";
  return {
    feed: join(out, `${name}.${fmt}${gz ? ".gz" : ""}`),
    sidecar: join(out, TRUTH_DIR, schema === "file" ? "waves.json" : "network-waves.json"),
    format: fmt,
    gzip: gz,
  };
}

/**
 * Generates a feed and writes it atomically (temporary file, then rename), with its
 * ground-truth sidecar (plan summary and waves) as JSON.
 *
 * @example
 * const s = await writeFeed({ out: "data/peaks" });
 * s.feed;    // "data/peaks/telemetry.json"
 * s.sidecar; // "data/peaks/truth/waves.json"
 * s.records; // about 60 000
 */
export async function writeFeed(options: WriteFeedOptions): Promise<FeedSummary> {
  const plan = planFeed(options);
  const paths = feedPaths(options.out, plan.schema, options.format, options.gzip);
  if (paths.format !== "json" && paths.format !== "jsonl") {
    throw new Error(`telemetry-lab/peaks/synth: format must be 'json' or 'jsonl', got '${String(paths.format)}'`);
  }
  const level = options.gzipLevel ?? 6;
  removeStaleTemporaries(dirname(paths.feed));
  const target = createAtomicStream(paths.feed);
  let bytes = 0;
  const counter = (chunk: Buffer | string): void => {
    bytes += typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.length;
  };
  let sink: NodeJS.WritableStream;
  let gz: ReturnType<typeof createGzip> | undefined;
  if (paths.gzip) {
    gz = createGzip({ level });
    gz.on("data", counter);
    gz.pipe(target.stream, { end: false });
    sink = gz;
  } else {
    sink = target.stream;
  }
  const write = (chunk: Buffer): Promise<void> | undefined => {
    if (!paths.gzip) counter(chunk);
    if (sink.write(chunk)) return undefined;
    return new Promise((resolve) => sink.once("drain", () => resolve()));
  };
  try {
    const done = { records: 0 };
    for (const chunk of generateFeed(plan, paths.format, 1 << 22, done)) {
      const p = write(chunk);
      if (p) await p;
      options.onProgress?.(done.records, plan.records);
    }
    if (gz) {
      await new Promise<void>((resolve, reject) => {
        gz!.once("end", () => resolve());
        gz!.once("error", reject);
        gz!.end();
      });
    }
    await target.commit();
  } catch (err) {
    await target.abort();
    throw err;
  }
  writeFileAtomic(paths.sidecar, JSON.stringify(sidecarJson(plan, basename(paths.feed)), null, 2) + "\n");
  return { ...paths, records: plan.records, bytes, plan };
}

/** The ground-truth sidecar's content. */
export function sidecarJson(plan: FeedPlan, feedName: string): Record<string, unknown> {
  return {
    generator: "telemetry-lab peaks synth",
    feed: feedName,
    schema: plan.schema,
    fields: plan.fields,
    seed: plan.seed,
    start: plan.start,
    days: plan.days,
    end: formatDate(plan.startMs + plan.days * DAY_MS),
    records: plan.records,
    index: plan.info.index,
    dimensions: plan.info.dimensions,
    cross_dimensions: plan.info.crossDimensions,
    initial_days: plan.initialDays,
    waves: plan.waves.map((w) => ({
      [plan.info.dimensions[0]]: w.dim0,
      [plan.info.dimensions[1]]: w.dim1,
      date: w.date,
      start_ms: w.startMs,
      end_ms: w.endMs,
      submissions: w.submissions,
      samples: w.samples,
      max_submissions_per_sample: w.maxSubmissionsPerSample,
      baseline_submissions: w.baselineSubmissions,
    })),
    series: plan.series.map((s) => ({
      [plan.info.dimensions[0]]: s.dim0,
      [plan.info.dimensions[1]]: s.dim1,
      weekday_volume: Math.round(s.weekdayVolume * 100) / 100,
    })),
  };
}
