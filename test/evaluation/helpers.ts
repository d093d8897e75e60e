/**
 * A tiny hand-made LANL folder for the evaluation tests: three hours of auth events, three
 * red-team labels (one matching two duplicate auth lines, one whose destination matches no
 * auth event, one matching), and hand-made vertex scores.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import type { ScoreFrame } from "../../src/dynamics/frame.js";
import type { RedteamEvent } from "../../src/lanl/redteam.js";

export function tempDir(tag: string): string {
  return mkdtempSync(join(tmpdir(), `tl-evaluation-${tag}-`));
}

export function writeGz(path: string, lines: string[]): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, gzipSync(Buffer.from(lines.length ? lines.join("\n") + "\n" : "", "latin1")));
}

export const H0 = "2015-01-01T00:00:00";
export const H1 = "2015-01-01T01:00:00";
export const H2 = "2015-01-01T02:00:00";

/** Auth lines per hour. */
export const AUTH: Record<string, string[]> = {
  [H0]: [
    "10,U1@DOM1,U1@DOM1,C1,C2,Kerberos,Network,LogOn,Success",
    "20,U9@DOM1,U9@DOM1,C9,C2,NTLM,Network,LogOn,Success",
    "20,U9@DOM1,U9@DOM1,C9,C2,NTLM,Network,LogOn,Success",
    "30,U1@DOM1,SYSTEM@C3,C3,C3,?,?,TGS,Success",
  ],
  [H1]: ["3700,U1@DOM1,U1@DOM1,C1,C4,NTLM,Network,LogOn,Success", "3710,U2@DOM1,U2@DOM1,C2,C1,Kerberos,Network,LogOn,Success"],
  [H2]: ["7300,U9@DOM1,U9@DOM1,C9,C6,NTLM,Network,LogOn,Success", "7310,U9@DOM1,U9@DOM1,C9,C7,NTLM,Network,LogOn,Success"],
};

/** Red-team labels: 20 matches two lines; 7300 names C5 (no such auth event); 7310 matches. */
export const REDTEAM: RedteamEvent[] = [
  { time: 20, user: "U9@DOM1", src: "C9", dst: "C2" },
  { time: 7300, user: "U9@DOM1", src: "C9", dst: "C5" },
  { time: 7310, user: "U9@DOM1", src: "C9", dst: "C7" },
];

/** Writes the auth partitions under `dir/partitions/P0DT1H0M0S/auth/`. */
export function makeLanl(dir: string): void {
  for (const [hour, lines] of Object.entries(AUTH)) writeGz(join(dir, "partitions", "P0DT1H0M0S", "auth", `${hour}.txt.gz`), lines);
}

/** Hand-made vertex scores (the same every hour); names not listed score NaN. */
export const SCORE: Record<string, number> = {
  "computer_source::C9": 0.9,
  "computer_source::C1": 0.5,
  "computer_source::C2": 0.1,
  "computer_source::C3": 0.05,
  "computer_destination::C2": 0.3,
  "computer_destination::C3": 0.05,
  "computer_destination::C4": 0.6,
  "computer_destination::C1": 0.2,
  "computer_destination::C6": 0.4,
  "computer_destination::C7": 0.4,
  "userdomain_source::U1@DOM1": 0,
  "userdomain_destination::U1@DOM1": 0,
  "userdomain_destination::SYSTEM@C3": 0,
  "userdomain_source::U9@DOM1": 0,
  "userdomain_destination::U9@DOM1": 0,
  "auth::NTLM": 1,
};

/** Frame vertices per hour (the interval graph's entity vertices plus a hub). */
export const NODES: Record<string, string[]> = {
  [H0]: [
    "auth::NTLM",
    "computer_destination::C2",
    "computer_destination::C3",
    "computer_source::C1",
    "computer_source::C3",
    "computer_source::C9",
    "userdomain_destination::SYSTEM@C3",
    "userdomain_destination::U1@DOM1",
    "userdomain_destination::U9@DOM1",
    "userdomain_source::U1@DOM1",
    "userdomain_source::U9@DOM1",
  ],
  [H1]: [
    "auth::NTLM",
    "computer_destination::C1",
    "computer_destination::C4",
    "computer_source::C1",
    "computer_source::C2",
    "userdomain_destination::U1@DOM1",
    "userdomain_destination::U2@DOM1",
    "userdomain_source::U1@DOM1",
    "userdomain_source::U2@DOM1",
  ],
  [H2]: [
    "auth::NTLM",
    "computer_destination::C6",
    "computer_destination::C7",
    "computer_source::C9",
    "userdomain_destination::U9@DOM1",
    "userdomain_source::U9@DOM1",
  ],
};

/** The hand-made score frames, hours 0–2. */
export function frames(hours: readonly string[] = [H0, H1, H2]): ScoreFrame[] {
  return hours.map((start) => ({ start, nodes: NODES[start]!, scores: Float64Array.from(NODES[start]!, (n) => SCORE[n] ?? NaN) }));
}
