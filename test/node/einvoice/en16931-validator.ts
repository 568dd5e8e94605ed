// Runs the official CEN/TC 434 EN 16931 UBL validation XSLT (shared reference artefact) over a
// document with SaxonJS. The stylesheet is compiled to SEF once (about 20 s) and cached by its
// sha-256 under node_modules/.cache, so later runs start in a second.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import SaxonJS from "saxon-js";

export const REFERENCE_DIR = "/work/shared/reference/compliance";
const XSLT = join(REFERENCE_DIR, "en16931-ubl-validation/EN16931-UBL-validation.xslt");
const ROOT = new URL("../../../", import.meta.url).pathname;

export interface Assertion {
  id: string;
  flag: string;
  text: string;
  location: string;
}

let sef: string | undefined;

function compiledStylesheet(): string {
  if (sef) return sef;
  const hash = createHash("sha256").update(readFileSync(XSLT)).digest("hex").slice(0, 16);
  const cacheDir = join(ROOT, "node_modules/.cache/einvoice");
  const file = join(cacheDir, `en16931-ubl-${hash}.sef.json`);
  if (!existsSync(file)) {
    mkdirSync(cacheDir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    execFileSync(join(ROOT, "node_modules/.bin/xslt3"), [`-xsl:${XSLT}`, `-export:${tmp}`, "-nogo"], { stdio: "pipe" });
    renameSync(tmp, file);
  }
  sef = file;
  return file;
}

/** Every failed assertion (fatal and warning) the official rules report for `xml`. */
export async function validateEn16931(xml: string): Promise<Assertion[]> {
  const result = await SaxonJS.transform({ stylesheetFileName: compiledStylesheet(), sourceText: xml, destination: "serialized" }, "async");
  const svrl = String(result.principalResult);
  const out: Assertion[] = [];
  for (const m of svrl.matchAll(/<svrl:failed-assert\b([^>]*)>([\s\S]*?)<\/svrl:failed-assert>/g)) {
    const attrs = m[1] ?? "";
    const attr = (name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(attrs)?.[1] ?? "";
    const text = /<svrl:text>([\s\S]*?)<\/svrl:text>/.exec(m[2] ?? "")?.[1]?.trim() ?? "";
    out.push({ id: attr("id"), flag: attr("flag"), text, location: attr("location") });
  }
  return out;
}

export const fatalOf = (assertions: readonly Assertion[]) => assertions.filter((a) => a.flag === "fatal");
