// workers/domain/einvoice/ is part of the pure core: besides other domain modules it may import
// only the document libraries (xmlbuilder2, fast-xml-parser, pdf-lib, qrcode-generator), and never a clock,
// randomness or crypto global. (The top-level fence test covers workers/domain/*.ts.)
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const dir = new URL("../../../workers/domain/einvoice/", import.meta.url).pathname;
const files = readdirSync(dir).filter((f) => f.endsWith(".ts"));
const LIBRARIES = /^(xmlbuilder2(\/lib\/interfaces)?|fast-xml-parser|pdf-lib|qrcode-generator)$/;

describe("workers/domain/einvoice", () => {
  it.each(files)("%s imports only domain modules and document libraries", (file) => {
    const source = readFileSync(join(dir, file), "utf8");
    for (const [, spec] of source.matchAll(/from\s+"([^"]+)"/g)) {
      expect(spec, `${file} imports ${spec}`).toMatch(/^(\.\/[\w-]+\.ts|\.\.\/[\w-]+\.ts)$|^(xmlbuilder2(\/lib\/interfaces)?|fast-xml-parser|pdf-lib|qrcode-generator)$/);
      if (!spec!.startsWith(".")) expect(spec).toMatch(LIBRARIES);
    }
  });

  it.each(files)("%s reads no ambient clock, randomness or crypto", (file) => {
    const source = readFileSync(join(dir, file), "utf8").replace(/\/\/.*$/gm, "");
    expect(source).not.toMatch(/Date\.now\(|Math\.random\(|crypto\.|new Date\(\)/);
  });
});
