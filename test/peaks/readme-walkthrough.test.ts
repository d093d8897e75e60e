// The original README's two-step walkthrough (spec peak-analyzer.md §10): its data file
// (telemetry_example_3.json) is not available, so a feed is built with the published figures:
// step 1 infers malicious/ZipArchiveFile from a 3-day window with 629 submissions over 300
// samples (threshold max(629, 90) = 629, samp_sub_count_max round(629/300) = 2); step 2's
// window has 11083 submissions over 3028 samples with max 426, which the README prints as
// mean 3.66, std 11.54, ratio 0.04.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, fileRecord, peakLines, tempDir, writeJsonArray } from "./helpers.js";

function step1Records(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  // 271 samples x 2 + 29 samples x 3 = 629 submissions over 300 samples, spread over 3 days
  for (let i = 0; i < 300; i++) {
    const times = i < 271 ? 2 : 3;
    for (let k = 0; k < times; k++) out.push(fileRecord(`2020-11-0${1 + ((i + k) % 3)}T0${k}:00:00Z`, "malicious", "ZipArchiveFile", `s1-${i}`));
  }
  out.push(fileRecord("2020-11-02T10:00:00Z", "benign", "PeExeFile", "b1"));
  return out;
}

function step2Records(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const add = (sample: string, times: number): void => {
    for (let k = 0; k < times; k++) out.push(fileRecord("2020-11-04T12:00:00Z", "malicious", "ZipArchiveFile", sample));
  };
  add("wave", 426);
  for (let i = 0; i < 238; i++) add(`b${i}`, 33);
  for (let i = 0; i < 7; i++) add(`c${i}`, 3);
  for (let i = 0; i < 2782; i++) add(`o${i}`, 1);
  return out;
}

describe("README walkthrough figures", () => {
  it("step 1 builds the GST by inference; step 2 detects the ZipArchiveFile wave with the README's numbers", async () => {
    const dir = tempDir();
    const feed = writeJsonArray(join(dir, "telemetry_example_3.json"), [...step2Records(), ...step1Records()]);
    const gst = join(dir, "global_table.json");
    const s1 = await cli(["-n", feed, "-s", "2020-11-01", "-e", "2020-11-04", "-m", gst]);
    expect(s1.rc).toBe(0);
    expect(s1.messages).toEqual([
      "Loading Peak Analyzer from 2020-11-01 00:00:00 to 2020-11-04 00:00:00 with t=None",
      "Loading backend 'JsonBackend'",
      "Loaded files:",
      `\t${feed}`,
      "Loading analyzer 'FileTypePeakAnalyzer' with backend 'JsonBackend'",
      `Loading global tables from file '${gst}'`,
      `\tFailed: [Errno 2] No such file or directory: '${gst}'`,
      "Loading global tables from the backend",
      "Loading local tables",
      "Getting peaks",
      "Refreshing global tables",
      `Saving global tables to '${gst}'`,
    ]);
    expect(readFileSync(gst, "utf8")).toContain(
      '"ZipArchiveFile": [\n      "2020-11-01 00:00:00",\n      "2020-11-04 00:00:00",\n      1,\n      629,\n      629,\n      300,\n      300,\n      2,\n      2,\n      629\n    ]',
    );

    const s2 = await cli(["-n", feed, "-s", "2020-11-04", "-e", "2020-11-05", "-m", gst]);
    expect(s2.rc).toBe(0);
    expect(s2.messages).toEqual([
      "Loading Peak Analyzer from 2020-11-04 00:00:00 to 2020-11-05 00:00:00 with t=None",
      "Loading backend 'JsonBackend'",
      "Loaded files:",
      `\t${feed}`,
      "Loading analyzer 'FileTypePeakAnalyzer' with backend 'JsonBackend'",
      `Loading global tables from file '${gst}'`,
      "Loading local tables",
      "Getting peaks",
      ...peakLines("malicious", "ZipArchiveFile", [11083, 3028, 426, "3.66", "11.54", "0.04", 2, 629]),
      "Refreshing global tables",
      `Saving global tables to '${gst}'`,
    ]);
    // update: W 1 -> 2; sub avg int(round((629 + 11083) / 2)) = 5856; samp avg round(3328 / 2) = 1664;
    // r = round(11083 / 3028) = 4 -> samp_sub_count_avg round(6 / 2) = 3, max(2, 4) = 4;
    // threshold max(629, 5856) = 5856
    expect(readFileSync(gst, "utf8")).toContain(
      '"ZipArchiveFile": [\n      "2020-11-01 00:00:00",\n      "2020-11-05 00:00:00",\n      2,\n      5856,\n      11083,\n      1664,\n      3028,\n      3,\n      4,\n      5856\n    ]',
    );
  });
});
