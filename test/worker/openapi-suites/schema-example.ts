// Minimal VALID values from a JSON Schema, so a refusal in the isolation suite is due to
// authorization and not to validation, and the fuzz suite mutates something that would
// otherwise pass. Ids (`pattern: ^<prefix>_...`) come from the caller, so they can be real ids
// of franchise A or random ids that exist nowhere. Every example is checked against its schema.
import { Validator } from "@cfworker/json-schema";
import fc from "fast-check";
import type { JsonSchema } from "./operations.ts";

/** `^cus_[0-9a-z]{26}$` → "cus". */
export function idPrefixOf(schema: JsonSchema | undefined): string | undefined {
  const pattern = schema?.pattern;
  return typeof pattern === "string" ? /^\^([a-z][a-z0-9]*)_/.exec(pattern)?.[1] : undefined;
}

/** Every id prefix a schema mentions, at any depth. */
export function idPrefixesIn(schema: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) for (const s of schema) idPrefixesIn(s, into);
  else if (schema && typeof schema === "object") {
    const prefix = idPrefixOf(schema as JsonSchema);
    if (prefix) into.add(prefix);
    for (const v of Object.values(schema)) idPrefixesIn(v, into);
  }
  return into;
}

/** A string matching the pattern, deterministic per pattern (fast-check walks the regex). */
export function sampleMatching(pattern: string, seed = 1): string {
  return fc.sample(fc.stringMatching(new RegExp(pattern)), { seed, numRuns: 1 })[0]!;
}

/**
 * Field conventions, by property name, tried before a generic value: they make the example
 * agree with the fixture world (A's branch is in EUR), so the owner's call goes all the way
 * through. A hint is used only if the schema accepts it.
 */
const FIELD_HINTS: Record<string, unknown> = {
  currency: "EUR",
  language: "es",
  timezone: "Europe/Madrid",
  phone: "+34600123456",
  email: "fuzz@example.com",
  address: "fuzz@example.com",
  name: "Isolation Probe",
  description: "Probe line",
  reason: "probe",
  password: "not-the-password",
  // audit (issue 10): tree positions valid for any log with one entry
  index: "0",
  size: "1",
  from: "0",
  to: "1",
};

export type IdFor = (prefix: string, pattern: string) => string;

export interface ExampleOptions {
  idFor: IdFor;
  /** Also fill optional properties that hold ids, so cross-tenant references get exercised. */
  withOptionalIds?: boolean;
}

const nonNullType = (schema: JsonSchema): string | undefined => {
  const t = schema.type;
  if (Array.isArray(t)) return t.find((x: string) => x !== "null") ?? "null";
  return t;
};

function mergeAllOf(schema: JsonSchema): JsonSchema {
  if (!Array.isArray(schema.allOf)) return schema;
  const { allOf, ...rest } = schema;
  return allOf.reduce(
    (acc: JsonSchema, part: JsonSchema) => {
      const p = mergeAllOf(part);
      return { ...acc, ...p, properties: { ...acc.properties, ...p.properties }, required: [...(acc.required ?? []), ...(p.required ?? [])] };
    },
    { ...rest, properties: { ...rest.properties }, required: [...(rest.required ?? [])] },
  );
}

function fitsLeaf(schema: JsonSchema, value: unknown): boolean {
  return new Validator(schema as any, "2020-12", true).validate(value).valid;
}

function numberExample(schema: JsonSchema, integer: boolean): number {
  const step = integer ? 1 : 0.5;
  let low = -Infinity;
  let high = Infinity;
  if (typeof schema.minimum === "number") low = schema.minimum;
  if (typeof schema.exclusiveMinimum === "number") low = schema.exclusiveMinimum + step;
  if (typeof schema.maximum === "number") high = schema.maximum;
  if (typeof schema.exclusiveMaximum === "number") high = schema.exclusiveMaximum - step;
  let value = Math.min(Math.max(1, low), high);
  if (integer) value = Math.ceil(value);
  return value;
}

function stringExample(schema: JsonSchema, name: string | undefined, opts: ExampleOptions): string {
  const prefix = idPrefixOf(schema);
  if (prefix) return opts.idFor(prefix, schema.pattern);
  const hint = name !== undefined ? FIELD_HINTS[name] : undefined;
  if (typeof hint === "string" && fitsLeaf(schema, hint)) return hint;
  switch (schema.format) {
    case "date":
      return "2026-01-15";
    case "date-time":
      return "2026-01-15T10:00:00Z";
    case "email":
      return "fuzz@example.com";
    case "uri":
    case "url":
      return "https://example.com/";
    case "uuid":
      return "00000000-0000-4000-8000-000000000000";
  }
  if (typeof schema.pattern === "string") return sampleMatching(schema.pattern);
  const min = schema.minLength ?? 1;
  const max = schema.maxLength ?? Math.max(min, 16);
  return "probe".padEnd(min, "x").slice(0, max);
}

export function exampleOf(schemaIn: JsonSchema, opts: ExampleOptions, name?: string): unknown {
  const schema = mergeAllOf(schemaIn ?? {});
  if ("const" in schema) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum.find((v: unknown) => v !== null) ?? schema.enum[0];
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (Array.isArray(alternatives)) {
    const pick = alternatives.find((s: JsonSchema) => nonNullType(s) !== "null") ?? alternatives[0];
    return exampleOf({ ...schema, oneOf: undefined, anyOf: undefined, ...pick }, opts, name);
  }
  const type = nonNullType(schema) ?? (schema.properties ? "object" : schema.items ? "array" : undefined);
  switch (type) {
    case "object": {
      const required = new Set<string>(schema.required ?? []);
      const out: Record<string, unknown> = {};
      for (const [prop, sub] of Object.entries<JsonSchema>(schema.properties ?? {})) {
        if (required.has(prop) || (opts.withOptionalIds && idPrefixesIn(sub).size > 0)) out[prop] = exampleOf(sub, opts, prop);
      }
      return out;
    }
    case "array": {
      const wantsIds = opts.withOptionalIds && idPrefixesIn(schema.items).size > 0;
      const count = Math.max(schema.minItems ?? 0, wantsIds ? 1 : 0);
      return Array.from({ length: Math.min(count, schema.maxItems ?? count) }, () => exampleOf(schema.items ?? {}, opts, name));
    }
    case "string":
      return stringExample(schema, name, opts);
    case "integer":
      return numberExample(schema, true);
    case "number":
      return numberExample(schema, false);
    case "boolean":
      return false;
    case "null":
      return null;
    default:
      return {};
  }
}

/** The example, or a clear error naming the construct the generator does not handle yet. */
export function validExampleOf(schema: JsonSchema, opts: ExampleOptions, where: string): unknown {
  const value = exampleOf(schema, opts);
  const result = new Validator(schema as any, "2020-12", false).validate(value);
  if (!result.valid) {
    const why = result.errors.map((e) => `${e.instanceLocation} ${e.error}`).join("; ");
    throw new Error(`schema-example.ts made an invalid example for ${where}: ${JSON.stringify(value)} (${why}); teach it this schema construct`);
  }
  return value;
}
