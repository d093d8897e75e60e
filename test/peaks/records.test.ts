// The fast typing of records read from files (SpanTyper) against the reference rules (typeRecord).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FILE_TYPE_ANALYZER } from "../../src/peaks/analyzers.js";
import { scanJsonRecords, viewOfSpans } from "../../src/peaks/json-records.js";
import { SpanTyper, Typed, newTypedRecord, schemaFields, typeRecord, type TypedRecord } from "../../src/peaks/records.js";
import { tempDir } from "./helpers.js";

const LINES = [
  '{"utc_timestamp": 1630479598000, "file.sha1": "a1", "task.severity": "benign", "file.llfile_type": "PeExeFile", "source.user_id": 0, "source.origin": "API"}',
  '{"source.origin": "API", "source.user_id": 0, "file.llfile_type": "PeExeFile", "task.severity": "benign", "file.sha1": "a1", "utc_timestamp": 1630479598000}',
  '{"utc_timestamp": 1630479598000, "file.sha1": "a\\"1", "task.severity": "ben\\u0069gn", "file.llfile_type": "PeExeFile", "source.user_id": 0, "source.origin": "A\\tPI"}',
  '{"utc_timestamp": 1.63e12, "file.sha1": 12, "task.severity": 70, "file.llfile_type": -0, "source.user_id": -0, "source.origin": null}',
  '{"utc_timestamp": 1630479598000, "file.sha1": true, "task.severity": 70, "file.llfile_type": 70.0, "source.user_id": [1, 2], "source.origin": false}',
  '{"utc_timestamp": -5, "file.sha1": "x", "task.severity": "benign", "file.llfile_type": "PeExeFile", "source.user_id": 0, "source.origin": "API"}',
  '{"utc_timestamp": 1234567890123456, "file.sha1": "x", "task.severity": "benign", "file.llfile_type": "PeExeFile", "source.user_id": 0, "source.origin": "API"}',
  '{"utc_timestamp": 1630479598000, "file.sha1": "x", "task.severity": {"a": 1}, "file.llfile_type": "PeExeFile", "source.user_id": 0, "source.origin": "API"}',
  '{"utc_timestamp": 1630479598000, "file.sha1": "x", "task.severity": "benign", "source.user_id": 0, "source.origin": "API"}',
  '{"utc_timestamp": "1630479598000", "file.sha1": "x", "task.severity": "benign", "file.llfile_type": "PeExeFile", "source.user_id": 0, "source.origin": "API"}',
  '{"utc_timestamp": 0, "file.sha1": "", "task.severity": "", "file.llfile_type": "Zip", "source.user_id": 1e5, "source.origin": "API", "x": [1, "}"]}',
  "[1, 2]",
];

describe("SpanTyper", () => {
  it("decides plain records exactly as typeRecord, and leaves the rest to it", async () => {
    const file = join(tempDir(), "f.json");
    writeFileSync(file, "[\n" + LINES.join(",\n") + "\n]\n");
    const schema = FILE_TYPE_ANALYZER;
    const typer = new SpanTyper(schema);
    const fast = newTypedRecord(schema);
    const ref = newTypedRecord(schema);
    const copy = (r: TypedRecord): TypedRecord => ({ ...r, dims: r.dims.slice(), dimIsNumber: r.dimIsNumber.slice(), cross: r.cross.slice() });
    const decided: (Typed | string)[] = [];
    await scanJsonRecords(file, schemaFields(schema), (spans) => {
      const t = typer.type(spans, fast);
      const err = typeRecord(viewOfSpans(spans), schema, ref);
      if (t === Typed.Kept) {
        expect(err).toBeNull();
        expect(copy(fast)).toEqual(copy(ref));
      }
      decided.push(t === Typed.Undecided ? `undecided${err === null ? "" : ": " + err.replace(/:.*$/, "")}` : t);
    });
    expect(decided).toEqual([
      Typed.Kept,
      Typed.Kept, // any key order
      "undecided", // escapes
      "undecided", // 1.63e12, a numeric sample, -0
      "undecided", // a number or true as the sample
      "undecided", // negative time
      "undecided", // more than 15 digits
      "undecided: field 'task.severity' is an object or array, not a scalar",
      "undecided: field 'file.llfile_type' missing",
      "undecided: field 'utc_timestamp' is not a timestamp (epoch milliseconds)",
      Typed.Kept,
      "undecided: not a JSON object",
    ]);
  });
});
