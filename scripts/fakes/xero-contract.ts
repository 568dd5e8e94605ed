// The fake Xero's contract check: every request body the connector sends must validate against
// Xero's own OpenAPI document (specs/xero_accounting.yaml) AND use only properties that document
// declares (Xero's schemas allow extra properties, which would hide a misspelt field).
import { readFileSync } from "node:fs";
import { Validator } from "@cfworker/json-schema";
import { parse as parseYaml } from "yaml";

type Schema = Record<string, unknown>;
let components: Record<string, Schema> | undefined;
const validators = new Map<string, Validator>();

function schemas(): Record<string, Schema> {
  if (!components) {
    const doc = parseYaml(readFileSync(new URL("./specs/xero_accounting.yaml", import.meta.url), "utf8")) as { components: { schemas: Record<string, Schema> } };
    components = doc.components.schemas;
  }
  return components;
}

/** The component a write endpoint takes, e.g. POST /Invoices → "Invoices". */
export function componentFor(method: string, path: string): string | null {
  if (method !== "POST" && method !== "PUT") return null;
  const p = path.replace(/^\/api\.xro\/2\.0/, "").split("?")[0]!;
  if (/^\/Invoices(\/[0-9a-f-]{36})?$/.test(p)) return "Invoices";
  if (p === "/CreditNotes") return "CreditNotes";
  if (/^\/CreditNotes\/[0-9a-f-]{36}\/Allocations$/.test(p)) return "Allocations";
  if (p === "/Payments") return "Payments";
  if (p === "/Contacts") return "Contacts";
  return null;
}

function resolve(schema: Schema): Schema {
  const ref = schema.$ref;
  return typeof ref === "string" ? resolve(schemas()[ref.replace("#/components/schemas/", "")]!) : schema;
}

function undeclared(value: unknown, schema: Schema, at: string, out: string[]): void {
  const s = resolve(schema);
  if (Array.isArray(value)) {
    if (s.items) value.forEach((v, i) => undeclared(v, s.items as Schema, `${at}[${i}]`, out));
    return;
  }
  if (value === null || typeof value !== "object" || !s.properties) return;
  const props = s.properties as Record<string, Schema>;
  for (const [k, v] of Object.entries(value)) {
    if (!(k in props)) out.push(`${at}.${k} is not in Xero's schema`);
    else undeclared(v, props[k]!, `${at}.${k}`, out);
  }
}

/** Problems with one request body (empty = valid). */
export function contractProblems(component: string, body: unknown): string[] {
  let validator = validators.get(component);
  if (!validator) {
    validator = new Validator({ $ref: `#/components/schemas/${component}`, components: { schemas: schemas() } } as never, "4", false);
    validators.set(component, validator);
  }
  const result = validator.validate(body);
  const out = result.valid ? [] : result.errors.filter((e) => e.keyword !== "$ref" && e.keyword !== "properties" && e.keyword !== "items" && e.keyword !== "allOf").map((e) => `${e.instanceLocation}: ${e.error}`);
  undeclared(body, { $ref: `#/components/schemas/${component}` }, "$", out);
  return out;
}
