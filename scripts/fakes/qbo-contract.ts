// The fake QBO's contract check: every request body the connector sends may use only elements
// (and attributes) that Intuit's QBO v3 XSDs declare for that entity, at every depth. QBO's JSON
// mirrors the XSD names; a simple-content type such as ReferenceType travels as
// { value, name, type }. QBO itself silently ignores unknown fields, which would hide a misspelt
// one: the fake refuses them so a connector bug fails a test instead.
import { readFileSync } from "node:fs";
import { XMLParser } from "fast-xml-parser";

interface TypeModel {
  fields: Map<string, string>;
  base: string | null;
  simpleContent: boolean;
}

const FILES = ["IntuitBaseTypes.xsd", "IntuitNamesTypes.xsd", "Finance.xsd"];
let model: Map<string, TypeModel> | undefined;

const strip = (t: string | undefined) => (t ?? "").replace(/^[a-z]+:/, "");

function collect(node: unknown, into: TypeModel): void {
  if (Array.isArray(node)) {
    for (const n of node) collect(n, into);
    return;
  }
  if (node === null || typeof node !== "object") return;
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if (key === "xs:annotation") continue;
    if (key === "xs:element" || key === "xs:attribute") {
      for (const el of Array.isArray(value) ? value : [value]) {
        const e = el as Record<string, string>;
        if (e["@name"]) into.fields.set(e["@name"], strip(e["@type"]) || "anonymous");
        collect(el, into);
      }
      continue;
    }
    if (key === "xs:extension" || key === "xs:restriction") {
      for (const ext of Array.isArray(value) ? value : [value]) {
        const base = strip((ext as Record<string, string>)["@base"]);
        if (key === "xs:extension" && base && !/^(string|decimal|int|boolean|date|dateTime|positiveInteger|integer|long)$/.test(base)) into.base = base;
        collect(ext, into);
      }
      continue;
    }
    if (key === "xs:simpleContent") into.simpleContent = true;
    collect(value, into);
  }
}

function types(): Map<string, TypeModel> {
  if (model) return model;
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@" });
  model = new Map();
  const groups = new Map<string, unknown>();
  for (const file of FILES) {
    const schema = parser.parse(readFileSync(new URL(`./specs/qbo-xsd/${file}`, import.meta.url), "utf8"))["xs:schema"] as Record<string, unknown>;
    const list = (k: string) => (Array.isArray(schema[k]) ? (schema[k] as Record<string, unknown>[]) : schema[k] ? [schema[k] as Record<string, unknown>] : []);
    for (const g of list("xs:group")) groups.set(String(g["@name"]), g);
    for (const ct of list("xs:complexType")) {
      const t: TypeModel = { fields: new Map(), base: null, simpleContent: false };
      collect(ct, t);
      model.set(String(ct["@name"]), t);
    }
  }
  // Group references (xs:group ref=…) contribute their elements to the type that uses them.
  for (const file of FILES) {
    const text = readFileSync(new URL(`./specs/qbo-xsd/${file}`, import.meta.url), "utf8");
    for (const m of text.matchAll(/<xs:complexType name="([^"]+)"[\s\S]*?<\/xs:complexType>/g)) {
      for (const ref of m[0].matchAll(/<xs:group ref="([^"]+)"/g)) {
        const g = groups.get(ref[1]!);
        if (g) collect(g, model.get(m[1]!)!);
      }
    }
  }
  return model;
}

/** Every field a complex type accepts, its own and its bases'. */
function fieldsOf(typeName: string): { fields: Map<string, string>; simple: boolean } | null {
  const all = new Map<string, string>();
  let simple = false;
  for (let t = types().get(typeName); t; t = t.base ? types().get(t.base) : undefined) {
    for (const [k, v] of t.fields) if (!all.has(k)) all.set(k, v);
    simple ||= t.simpleContent;
    if (!t.base) break;
  }
  return types().has(typeName) ? { fields: all, simple } : null;
}

function walk(value: unknown, typeName: string, at: string, out: string[]): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => walk(v, typeName, `${at}[${i}]`, out));
    return;
  }
  if (value === null || typeof value !== "object") return;
  const model = fieldsOf(typeName);
  if (!model) return; // a simple type (string, decimal, enum): any scalar is for QBO to judge
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (model.simple && k === "value") continue;
    const child = model.fields.get(k);
    if (child === undefined) out.push(`${at}.${k} is not an element of ${typeName} in the QBO XSD`);
    else walk(v, child, `${at}.${k}`, out);
  }
}

/** The entity an endpoint writes, e.g. POST /v3/company/1/invoice → "Invoice". */
export function qboEntityFor(method: string, path: string): string | null {
  if (method !== "POST") return null;
  const m = /^\/v3\/company\/[^/]+\/(invoice|creditmemo|payment|customer|item|account|taxcode)$/.exec(path);
  if (!m) return null;
  return ({ invoice: "Invoice", creditmemo: "CreditMemo", payment: "Payment", customer: "Customer", item: "Item", account: "Account", taxcode: "TaxCode" } as const)[m[1] as "invoice"];
}

/** Problems with one request body for an entity (empty = only XSD elements used). */
export function qboContractProblems(entity: string, body: unknown): string[] {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return [`$ must be a ${entity} object`];
  const out: string[] = [];
  walk(body, entity, "$", out);
  return out;
}
