// The forecast CLI end to end, as a user runs it: plain node on .ts files, worker threads,
// output format, label continuation, scoring, and clear errors.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = new URL("../../../", import.meta.url).pathname;
const node = process.execPath;
const dir = mkdtempSync(join(tmpdir(), "forecast-cli-"));

function run(args: string[]) {
  return spawnSync(node, ["cli/forecast.ts", ...args], { cwd: root, encoding: "utf8" });
}

function csv(rows: string[]): string {
  const file = join(dir, `in-${Math.abs(rows.join().length)}-${rows.length}.csv`);
  writeFileSync(file, `series_id,period,value\n${rows.join("\n")}\n`);
  return file;
}

describe("npm run forecast", () => {
  it("forecasts monthly, weekly and integer series, continuing each one's own labels", () => {
    const rows: string[] = [];
    for (let t = 0; t < 40; t++)
      rows.push(`m1,${2020 + Math.floor((t + 10) / 12)}-${String(((t + 10) % 12) + 1).padStart(2, "0")},${100 + t + 10 * Math.sin(t)}`);
    const start = Date.UTC(2024, 0, 1);
    for (let t = 0; t < 30; t++) rows.push(`"w,2",${new Date(start + t * 7 * 86400000).toISOString().slice(0, 10)},${50 + (t % 4)}`);
    for (let t = 0; t < 12; t++) rows.push(`i3,${t * 5},${t % 3 === 0 ? 0 : 7}`);
    const out = join(dir, "out.csv");
    const r = run(["--input", csv(rows), "--horizon", "3", "--season", "12", "--output", out, "--threads", "2"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/\[#+\] 3\/3/);
    const lines = readFileSync(out, "utf8").trim().split("\n");
    expect(lines[0]).toBe("series_id,period,point,lo80,hi80,lo95,hi95,model");
    expect(lines).toHaveLength(1 + 9);
    expect(lines.slice(1, 4).map((l) => l.split(",")[1])).toEqual(["2024-03", "2024-04", "2024-05"]);
    expect(lines[4]!.startsWith('"w,2",2024-07-29,')).toBe(true);
    expect(lines.slice(7).map((l) => l.split(",")[1])).toEqual(["60", "65", "70"]);
    for (const l of lines.slice(1)) {
      const [lo95, lo80, point, hi80, hi95] = [5, 3, 2, 4, 6].map((i) => Number(l.split(",").at(i - 8)));
      expect(lo95).toBeLessThanOrEqual(lo80!);
      expect(lo80).toBeLessThanOrEqual(point! + 1e-9);
      expect(point).toBeLessThanOrEqual(hi80! + 1e-9);
      expect(hi80).toBeLessThanOrEqual(hi95!);
      expect(l.endsWith(",combination")).toBe(true);
    }
  });

  it("--holdout scores every model and writes a report; --evaluate scores against a separate actuals file", () => {
    const rows: string[] = [];
    const actual: string[] = [];
    for (const id of ["a", "b"])
      for (let t = 0; t < 60; t++) {
        const line = `${id},${2010 + Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, "0")},${(id === "a" ? 100 : 300) + 2 * t + 20 * Math.sin((2 * Math.PI * t) / 12)}`;
        (t < 54 ? rows : actual).push(line);
      }
    const report = join(dir, "report.json");
    const r = run(["--input", csv([...rows, ...actual]), "--horizon", "6", "--holdout", "--output", join(dir, "h.csv"), "--report", report]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/naive2\s+[\d.]+\s+[\d.]+\s+1\.000/);
    const rep = JSON.parse(readFileSync(report, "utf8"));
    expect(rep.season).toBe(12);
    expect(Object.keys(rep.models)).toContain("combination");
    const e = run(["--input", csv(rows), "--horizon", "6", "--evaluate", csv(actual), "--output", join(dir, "e.csv"), "--report", report]);
    expect(e.status, e.stderr).toBe(0);
    const rep2 = JSON.parse(readFileSync(report, "utf8"));
    expect(rep2.models.combination.smape).toBeCloseTo(rep.models.combination.smape, 10);
  });

  it("names the bad field and exits non-zero", () => {
    const r = run(["--input", csv(["s,2020-01,abc"]), "--horizon", "3"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/row 2: value "abc" is not a number/);
    expect(run(["--input", csv(["s,2020-01,1"])]).stderr).toMatch(/--horizon are required/);
    expect(execFileSync(node, ["cli/forecast.ts", "--help"], { cwd: root, encoding: "utf8" })).toMatch(/usage/);
  });
});
