// The domain fence is also a Biome rule (biome.json, override for workers/domain/**), so an editor
// flags a forbidden import as it is typed. This runs the real config against probe files in a
// scratch copy of the layout: forbidden in workers/domain, allowed one folder over.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = new URL("../../", import.meta.url).pathname;
const scratch = mkdtempSync(join(tmpdir(), "ledgerline-lint-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const forbidden = [
  "cloudflare:workers",
  "cloudflare:test",
  "@cloudflare/workers-types",
  "hono",
  "hono/http-exception",
  "drizzle-orm",
  "drizzle-orm/sqlite-core",
  "chanfana",
  "node:crypto",
];
const probe = [
  ...forbidden.map((spec, i) => `import * as m${i} from "${spec}";`),
  `import * as own from "./money.ts";`,
  `export const all = [${forbidden.map((_, i) => `m${i}`).join(", ")}, own];`,
  "",
].join("\n");

function lint(relPath: string): Array<{ category: string; location: { path: string; start: { line: number } } }> {
  const dir = mkdtempSync(join(scratch, "case-"));
  cpSync(join(root, "biome.json"), join(dir, "biome.json"));
  mkdirSync(join(dir, relPath, ".."), { recursive: true });
  writeFileSync(join(dir, relPath), probe);
  const r = spawnSync(join(root, "node_modules/.bin/biome"), ["lint", "--vcs-enabled=false", "--reporter=json", "--max-diagnostics=100", "."], {
    cwd: dir,
    encoding: "utf8",
  });
  return JSON.parse(r.stdout).diagnostics;
}

describe("biome.json domain fence", () => {
  it("rejects every Cloudflare, Hono, drizzle, chanfana and Node import in workers/domain, and allows sibling modules", () => {
    const fenced = lint("workers/domain/probe.ts").filter((d) => d.category === "lint/style/noRestrictedImports");
    expect(fenced.map((d) => d.location.start.line).sort((a, b) => a - b)).toEqual(forbidden.map((_, i) => i + 1));
  });

  it("does not apply outside workers/domain", () => {
    expect(lint("workers/billing/probe.ts").filter((d) => d.category === "lint/style/noRestrictedImports")).toEqual([]);
  });
});
