import { describe, expect, it } from "vitest";
import { formatCell, tableBundle, tableRows } from "../../src/notebook/table.js";

describe("notebook/table", () => {
  const records = Object.freeze([
    Object.freeze({ stream: "auth", events: 1051430459, share: 0.6368 }),
    Object.freeze({ stream: "dns", events: 40821591, share: 0.02473 }),
  ]);

  it("takes the union of record keys as columns, in first-seen order", () => {
    const { columns, rows } = tableRows([{ a: 1 }, { b: 2, a: 3 }]);
    expect(columns).toEqual(["a", "b"]);
    expect(rows).toEqual([[1, undefined], [3, 2]]);
  });

  it("reads a DataFrame through columns and values without loading danfojs", () => {
    const df = { columns: ["x", "y"], values: [[1, "a"], [2, "b"]] };
    expect(tableRows(df)).toEqual({ columns: ["x", "y"], rows: [[1, "a"], [2, "b"]] });
    expect(tableRows(df, ["y"])).toEqual({ columns: ["y"], rows: [["a"], ["b"]] });
    expect(() => tableRows(df, ["z"])).toThrow(/^telemetry-lab\/notebook\/table: no column 'z'/);
  });

  it("renders HTML and aligned text, honouring the row limit", () => {
    const b = tableBundle(records, { limit: 1, caption: "LANL" });
    const html = b["text/html"] as string;
    expect(html).toContain("<th>stream</th>");
    expect(html).toContain("1051430459");
    expect(html).not.toContain("40821591");
    expect(html).toContain("showing 1 of 2 rows");
    expect(b["text/plain"]).toBe(["LANL", "stream      events   share", "auth    1051430459  0.6368", "(showing 1 of 2 rows)"].join("\n"));
  });

  it("escapes HTML in cells", () => {
    const html = tableBundle([{ v: "<script>x</script>" }])["text/html"] as string;
    expect(html).toContain("&lt;script&gt;");
    expect(html).not.toContain("<script>x");
  });

  it("formats cells: integers plain, fractions with digits, dates in UTC", () => {
    expect(formatCell(42)).toBe("42");
    expect(formatCell(0.123456, 4)).toBe("0.1235");
    expect(formatCell(new Date(Date.UTC(2015, 0, 1, 5)))).toBe("2015-01-01T05:00:00.000Z");
    expect(formatCell(null)).toBe("");
  });
});
