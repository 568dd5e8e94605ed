import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { csvCell, neutralizeFormula, toCsv, type CsvValue } from "../../../workers/domain/csv.ts";

const TRIGGERS = ["=", "+", "-", "@", "\t", "\r"];

/** A strict RFC 4180 reader, written here so the property checks what a spreadsheet would see. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let i = 0;
  while (i < text.length) {
    const record: string[] = [];
    for (;;) {
      let cell = "";
      if (text[i] === '"') {
        i++;
        for (;;) {
          if (i >= text.length) throw new Error("unterminated quoted cell");
          if (text[i] === '"') {
            if (text[i + 1] === '"') {
              cell += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          cell += text[i++];
        }
      } else {
        while (i < text.length && text[i] !== "," && text[i] !== "\r" && text[i] !== "\n") {
          if (text[i] === '"') throw new Error(`bare quote in unquoted cell at ${i}`);
          cell += text[i++];
        }
      }
      record.push(cell);
      if (text[i] === ",") {
        i++;
        continue;
      }
      if (text.startsWith("\r\n", i)) {
        i += 2;
        break;
      }
      throw new Error(`record not ended by CRLF at ${i}`);
    }
    records.push(record);
  }
  return records;
}

const hostileText = fc.oneof(
  fc.string({ unit: "grapheme" }),
  fc.string({ unit: fc.constantFrom("=", "+", "-", "@", "\t", "\r", "\n", '"', ",", "'", " ", "a", "1", "\u0000", "\u202e") }),
  fc.constantFrom('=HYPERLINK("http://evil.example","click")', "+1+1", "-2+3", "@SUM(A1:A9)", "\t=1", "\r=1", "'; DROP TABLE customers; --", "=cmd|' /C calc'!A0"),
);
const cellValue: fc.Arbitrary<CsvValue> = fc.oneof(hostileText, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));

describe("csvCell", () => {
  it.each([
    ['=HYPERLINK("http://evil")', `"'=HYPERLINK(""http://evil"")"`],
    ["+1", "'+1"],
    ["-1", "'-1"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\t=1", "'\t=1"],
    ["\r=1", `"'\r=1"`],
    ["a,b", '"a,b"'],
    ["plain", "plain"],
    ["", ""],
  ])("writes %j as %j", (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  it("writes typed numbers, booleans and empty values as they are", () => {
    expect(csvCell(-1250)).toBe("-1250");
    expect(csvCell(true)).toBe("true");
    expect(csvCell(null)).toBe("");
    expect(csvCell(undefined)).toBe("");
    expect(() => csvCell(Number.NaN)).toThrow(RangeError);
  });
});

describe("toCsv", () => {
  it("reads back cell by cell, and no text cell starts like a formula", () => {
    fc.assert(
      fc.property(fc.array(fc.array(cellValue, { minLength: 1, maxLength: 6 }), { maxLength: 8 }), (rows) => {
        const parsed = parseCsv(toCsv(rows));
        expect(parsed).toHaveLength(rows.length);
        parsed.forEach((record, r) => {
          expect(record).toHaveLength(rows[r]!.length);
          record.forEach((cell, c) => {
            const value = rows[r]![c];
            if (typeof value === "string") {
              expect(cell).toBe(neutralizeFormula(value));
              expect(TRIGGERS).not.toContain(cell[0]);
              // Only a leading quote is added: the user's text is kept whole after it.
              expect(cell === value || cell === `'${value}`).toBe(true);
            } else {
              expect(cell).toBe(value === null || value === undefined ? "" : String(value));
            }
          });
        });
      }),
      { numRuns: 2000 },
    );
  });

  it("puts the header row first", () => {
    expect(toCsv([["=1", 2]], ["name", "amount"])).toBe("name,amount\r\n'=1,2\r\n");
  });
});
