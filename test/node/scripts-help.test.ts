// `npm run help` is only useful if it is complete: every package.json script has a one-line
// description, and no description outlives its script.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { scriptDescriptions } from "../../scripts/script-descriptions.ts";

const root = new URL("../../", import.meta.url).pathname;
const scripts = Object.keys(JSON.parse(readFileSync(`${root}package.json`, "utf8")).scripts);

describe("npm run help", () => {
  it.each(scripts)("describes the %s script", (name) => {
    expect(scriptDescriptions[name]?.trim(), `add "${name}" to scripts/script-descriptions.ts`).toBeTruthy();
  });

  it("describes no script that does not exist", () => {
    expect(Object.keys(scriptDescriptions).filter((name) => !scripts.includes(name))).toEqual([]);
  });

  it("prints one line per script, in package.json order", () => {
    const r = spawnSync(process.execPath, ["scripts/help.ts"], { cwd: root, encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const listed = r.stdout
      .split("\n")
      .filter((l) => l.startsWith("  "))
      .map((l) => l.trim().split(/\s+/)[0]);
    expect(listed).toEqual(scripts);
  });
});
