// The risk CLI as a user runs it: plain node, the documented columns in and out, clear errors.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = new URL("../../../", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "risk-cli-"));
const run = (args: string[]) => spawnSync(process.execPath, ["cli/risk.ts", ...args], { cwd: root, encoding: "utf8" });
const HEAD = "customer_id,invoice_id,invoice_date,due_date,amount,settled_date,disputed";

describe("npm run risk", () => {
  it("scores every invoice of --score (open ones too) and evaluates the settled ones", () => {
    const rows = [HEAD];
    for (let i = 0; i < 60; i++) {
      const cust = `c${i % 4}`;
      const day = new Date(Date.UTC(2024, 0, 1 + i * 5));
      const iso = (d: Date) => d.toISOString().slice(0, 10);
      const due = new Date(day.getTime() + 30 * 864e5);
      const lateDays = cust === "c0" ? 20 : cust === "c1" ? 5 : -10;
      const settled = i >= 56 ? "" : iso(new Date(due.getTime() + lateDays * 864e5));
      rows.push([cust, `inv-${i}`, iso(day), iso(due), 100 + i, settled, i % 7 === 0 ? "Yes" : "No"].join(","));
    }
    const file = join(dir, "inv.csv");
    writeFileSync(file, `${rows.join("\n")}\n`);
    const out = join(dir, "scores.csv");
    const r = run(["--train", file, "--score", file, "--output", out, "--evaluate"]);
    expect(r.status, r.stderr).toBe(0);
    const lines = readFileSync(out, "utf8").trim().split("\n");
    expect(lines[0]).toBe("invoice_id,p_late,expected_days_to_settle");
    expect(lines).toHaveLength(61);
    const p = new Map(lines.slice(1).map((l) => [l.split(",")[0], Number(l.split(",")[1])]));
    // c0 always pays late, c3 always early: once each has history, their scores say so.
    expect(p.get("inv-52")!).toBeGreaterThan(0.5);
    expect(p.get("inv-55")!).toBeLessThan(0.5);
    expect(r.stdout).toMatch(/logistic \+ LAD\s+[\d.]+/);
  });

  it("names the bad column or cell", () => {
    const file = join(dir, "bad.csv");
    writeFileSync(file, "customer_id,invoice_id\nx,y\n");
    expect(run(["--train", file, "--score", file]).stderr).toMatch(/missing column\(s\) invoice_date/);
    writeFileSync(file, `${HEAD}\nc,i,2024-13-45x,2024-02-01,10,,No\n`);
    expect(run(["--train", file, "--score", file]).stderr).toMatch(/row 2/);
    writeFileSync(file, `${HEAD}\nc,i,soon,2024-02-01,10,,No\n`);
    const r = run(["--train", file, "--score", file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/row 2: invoice_date "soon"/);
  });
});
