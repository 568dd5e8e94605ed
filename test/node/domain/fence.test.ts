// The pure core stays pure: no Cloudflare, HTTP or database imports, no ambient clock or
// randomness. (The domain tsconfig, with no Workers or Node types, is the other half of the fence.)
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const dir = new URL("../../../workers/domain/", import.meta.url).pathname;
const files = readdirSync(dir).filter((f) => f.endsWith(".ts"));

describe("workers/domain", () => {
  it.each(files)("%s imports only other domain modules", (file) => {
    const source = readFileSync(join(dir, file), "utf8");
    const imports = [...source.matchAll(/from\s+"([^"]+)"/g)].map((m) => m[1]);
    for (const spec of imports) expect(spec, `${file} imports ${spec}`).toMatch(/^\.\/[\w-]+\.ts$/);
  });

  it.each(files)("%s reads no ambient clock or randomness", (file) => {
    const source = readFileSync(join(dir, file), "utf8").replace(/\/\/.*$/gm, "");
    expect(source).not.toMatch(/Date\.now\(|Math\.random\(|crypto\./);
    expect(source.replace(/fixedClock|systemClock[^\n]*/g, "")).not.toMatch(/new Date\(\)/);
  });
});
