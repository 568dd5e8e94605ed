// One seam for sharding: only workers/db/resolver.ts may touch the D1 binding, so a franchise
// can later be moved to its own database without touching any caller.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const root = new URL("../../", import.meta.url).pathname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

const files = ["workers", "durable-objects", "queues"].flatMap((d) => sourceFiles(join(root, d))).map((f) => relative(root, f));

describe("the database resolver", () => {
  it("finds the production code to check", () => expect(files.length).toBeGreaterThan(20));

  it.each(files.filter((f) => f !== "workers/db/resolver.ts"))("%s does not read env.DB", (file) => {
    const source = readFileSync(join(root, file), "utf8").replace(/\/\/.*$/gm, "");
    expect(source).not.toMatch(/\benv\.DB\b|\.DB\s*[,)]/);
  });
});
