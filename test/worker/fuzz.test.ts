// Hostile input, GENERATED from each operation's schema in /openapi.json with fast-check:
// wrong types, huge strings and arrays, deep nesting, unicode edge cases, overflowing amounts,
// mixed currencies, impossible dates, SQL and CSV-formula injection, malformed JSON, oversized
// bodies, wrong content types, hostile query/path/header values. Every answer must be a 4xx
// problem document or a 2xx for input that was in fact valid, never a 5xx, and a refused
// request must leave D1 exactly as it was. FUZZ_SEED / FUZZ_RUNS override the fixed seed and
// the default 10,000 cases (e.g. `FUZZ_RUNS=100000 FUZZ_SEED=7 npx vitest run test/worker/fuzz.test.ts`).
import { Validator } from "@cfworker/json-schema";
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callJson, createCustomer, createDraft } from "./fixtures.ts";
import { changedTables, d1ContentFingerprint, d1Fingerprint, type Fingerprint } from "./openapi-suites/d1-checksum.ts";
import { EXPECTED_STATUS, type Family, familiesFor, type HostileCase, STREAM_BYTES } from "./openapi-suites/hostile.ts";
import { KNOWN_DEFECTS_FIXED_ELSEWHERE } from "./openapi-suites/known-defects.ts";
import { fetchOpenApi, type Operation, operationsOf } from "./openapi-suites/operations.ts";
import { type Answer, describeProbe, problemDefect, send, validProbe } from "./openapi-suites/requests.ts";
import { A, aIdFor, B, buildWorld, endedSessions, sessionFor, settleEventPipeline, type World } from "./openapi-suites/world.ts";

const settings = env as unknown as { FUZZ_SEED?: string; FUZZ_RUNS?: string };
const SEED = Number(settings.FUZZ_SEED || 20261201);
const TOTAL_RUNS = Number(settings.FUZZ_RUNS || 10_000);
/** Families that are expensive per case (megabyte bodies) run a fixed few times per operation. */
const FIXED_RUNS: Partial<Record<Family, number>> = { oversized: 2, "oversized-multibyte": 1, "oversized-stream": 1 };

const operations: Operation[] = operationsOf(await fetchOpenApi());
let world: World;
let bIds: string[] = [];
/** Who sends an operation's hostile requests: A's key, or A's staff admin where keys are refused. */
const callerOf = new Map<string, string | null>();
let baseline: Fingerprint;
/** Shared sessions found ended: each is reported once, by the operation that ended it. */
const endedBefore = new Set<string>();

const stats = { cases: 0, accepted: 0, fiveXx: 0, partialWrites: 0, counterResets: 0, byStatus: new Map<number, number>() };
const pendingHits = new Map<Family, string[]>();

/**
 * The D1 100-parameter boundary is only reached by lists with more rows than that: 110 more
 * customers, draft invoices, payments and credit notes of A, written in one batch (through the
 * API this would cost ~450 requests; lists only need the parent rows to exist).
 */
async function seedBulkRows(customerId: string, issuedInvoiceId: string): Promise<void> {
  const n = 110;
  const now = "2026-01-02T00:00:00.000Z";
  const series = `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${n})`;
  const fr = A.franchiseId;
  await env.DB.batch([
    env.DB.prepare(`${series} INSERT INTO customers (id, franchise_id, name, segment, language, timezone, created_at, updated_at) SELECT 'cus_' || printf('%026d', i), ?, 'Bulk ' || i, 'smb', 'es', 'Europe/Madrid', ?, ? FROM s`).bind(fr, now, now),
    env.DB.prepare(`${series} INSERT INTO invoices (id, franchise_id, branch_id, customer_id, status, currency, subtotal, tax_total, total, tax_breakdown, created_at, updated_at) SELECT 'inv_' || printf('%026d', i), ?, ?, ?, 'draft', 'EUR', 0, 0, 0, '[]', ?, ? FROM s`).bind(fr, A.madrid, customerId, now, now),
    env.DB.prepare(`${series} INSERT INTO payments (id, franchise_id, customer_id, currency, amount, received_at, method, created_at) SELECT 'pay_' || printf('%026d', i), ?, ?, 'EUR', 1, ?, 'cash', ? FROM s`).bind(fr, customerId, now, now),
    env.DB.prepare(
      `${series} INSERT INTO credit_notes (id, franchise_id, invoice_id, branch_id, customer_id, seq, number, currency, reason, issue_date, subtotal, tax_total, total, tax_breakdown, created_at)
       SELECT 'cn_' || printf('%026d', i), ?, ?, ?, ?, 100000 + i, 'BULK-CN-' || i, 'EUR', 'bulk', '2026-01-02', 1, 0, 1, '[]', ? FROM s`,
    ).bind(fr, issuedInvoiceId, A.madrid, customerId, now),
  ]);
}

beforeAll(async () => {
  world = await buildWorld(operations);
  const bulkCustomer = await createCustomer({ name: "Bulk owner" });
  const bulkInvoice = await createDraft(bulkCustomer, { lines: [{ description: "Bulk", quantity: 1, unitPrice: 1_000_000 }] });
  await callJson("POST", `/v1/invoices/${bulkInvoice.id}/issue`);
  await seedBulkRows(bulkCustomer, bulkInvoice.id);
  bIds = [B.london, await createCustomer({ name: "Beta customer" }, B.key)];
  for (const op of operations) {
    const started = Date.now();
    if (op.isPublic) {
      callerOf.set(op.key, null);
      await send(validProbe(op, aIdFor(world, 0), null));
    } else {
      const answer = await send(validProbe(op, aIdFor(world, 0), A.key));
      // An operation that ends its caller's session gets a session of its own for all its cases.
      callerOf.set(op.key, answer.status === 401 || answer.status === 403 ? await sessionFor(world, op, world.sessions.aAdmin) : A.key);
    }
    costFactor.set(op.key, Math.min(1, Math.max(0.1, 25 / Math.max(1, Date.now() - started))));
  }
  weightSum = operations.reduce((sum, op) => sum + Object.keys(familiesFor({ op, token: null, aIds: world.aIds, bIds })).reduce((w, f) => w + weightOf(op, f as Family), 0), 0);
  await settleEventPipeline();
  baseline = await d1Fingerprint(env.DB);
}, 180_000);

afterAll(() => {
  const refusals = [...stats.byStatus].filter(([s]) => s >= 400 && s < 500).sort(([a], [b]) => a - b);
  console.log(`fuzz: ${stats.cases} cases, ${stats.fiveXx} 5xx, ${stats.partialWrites} partial writes`);
  console.log(`fuzz refusals: ${refusals.map(([s, n]) => `${s}=${n}`).join(", ")}`);
  console.log(`fuzz accepted (valid input): ${stats.accepted}; seed ${SEED} (FUZZ_SEED), ${TOTAL_RUNS} runs asked (FUZZ_RUNS)`);
  if (stats.counterResets > 0) console.warn(`fuzz: the D1 write counter restarted ${stats.counterResets} times; the requests in those windows were not verified`);
  for (const [family, hits] of pendingHits) console.warn(`fuzz pending (${KNOWN_DEFECTS_FIXED_ELSEWHERE[family]}): ${hits.length} failing cases, e.g.\n  ${hits.filter((h, i) => i < 3 || h.includes("changed D1")).join("\n  ")}`);
});

/**
 * D1 must be unchanged after every refused request. Write counters only grow (d1-checksum.ts),
 * so for requests that MUST be refused (their family allows no 2xx, or their body fails its own
 * schema) one check after a window of them is exact: any write by any of them shows. Requests
 * that may be accepted get a check of their own, with a clean baseline right before them.
 */
const WINDOW = 25;
let unverified: string[] = [];

/**
 * Writes a refusal makes ON PURPOSE, per operation: the bookkeeping of the refusal itself, not a
 * part of the change that was refused. These operations are checked with the content checksum
 * (it names tables) with only the listed tables left out: any OTHER table changed by a refused
 * request still fails.
 */
const REFUSAL_BOOKKEEPING: Record<string, { tables: string[]; reason: string }> = {
  "POST /auth/login": { tables: ["login_attempts"], reason: "each failed sign-in is counted per account and address so the back-off holds across isolates (workers/auth/login-throttle.ts)" },
};
let bookkeeping: string[] = [];

/** The fingerprint the current operation is checked with (see REFUSAL_BOOKKEEPING). */
async function fingerprint(): Promise<Fingerprint> {
  if (bookkeeping.length === 0) return d1Fingerprint(env.DB);
  const content = await d1ContentFingerprint(env.DB);
  for (const table of bookkeeping) delete content[table];
  return content;
}

/** total_changes() belongs to a D1 connection; if the connection was reopened it restarts lower. */
function writesBetween(before: Fingerprint, after: Fingerprint): string[] {
  if (Number(after.rowsWritten) < Number(before.rowsWritten)) {
    stats.counterResets++;
    return [];
  }
  return changedTables(before, after);
}

async function verifyWindow(failures: string[]): Promise<void> {
  if (unverified.length === 0) return;
  const now = await fingerprint();
  const changed = writesBetween(baseline, now);
  if (changed.length > 0) {
    stats.partialWrites++;
    failures.push(`one of these refused requests changed D1 tables ${changed.join(", ")}:\n    ${unverified.join("\n    ")}`);
  }
  baseline = now;
  unverified = [];
}

const validators = new Map<Operation, Validator>();
function schemaAccepts(op: Operation, value: unknown): { valid: boolean; why: string } {
  let v = validators.get(op);
  if (!v) validators.set(op, (v = new Validator(op.body!.schema as any, "2020-12", false)));
  const result = v.validate(value);
  return { valid: result.valid, why: result.errors.map((e) => `${e.instanceLocation} ${e.error}`).join("; ") };
}

/** Everything that must hold for one hostile request; pushes what went wrong into `failures`. */
async function check(op: Operation, c: HostileCase, failures: string[]): Promise<void> {
  stats.cases++;
  const expected = EXPECTED_STATUS[c.family];
  const schema = c.sent !== undefined && op.body ? schemaAccepts(op, c.sent) : undefined;
  const mustRefuse = expected !== undefined || c.hasSurrogateOrNul === true || schema?.valid === false;
  if (!mustRefuse) await verifyWindow(failures);
  const fail = (what: string) => failures.push(`${what}\n    request: ${describeProbe(c.probe)}`);

  let answer: Answer;
  try {
    answer = await send(c.probe);
  } catch (e) {
    fail(`no answer: ${(e as Error).message}`);
    return;
  }
  stats.byStatus.set(answer.status, (stats.byStatus.get(answer.status) ?? 0) + 1);
  if (answer.status >= 500) {
    stats.fiveXx++;
    fail(`answered ${answer.status}: ${answer.text.slice(0, 200)}`);
  } else if (expected !== undefined && answer.status !== expected) fail(`answered ${answer.status} ${answer.json?.code ?? ""} instead of ${expected}`);
  else if (c.pulledBytes && c.pulledBytes() > STREAM_BYTES / 2) fail(`read ${c.pulledBytes()} bytes of an ${STREAM_BYTES}-byte stream before answering 413: the body is buffered before the limit is checked`);
  else if (answer.status >= 400) {
    const defect = problemDefect(answer);
    if (defect) fail(defect);
  } else {
    stats.accepted++;
    if (c.hasSurrogateOrNul) fail(`accepted (${answer.status}) a string with a lone surrogate or NUL: it must be refused with 400, not stored rewritten`);
    if (schema?.valid === false) fail(`accepted (${answer.status}) a body its own schema rejects: ${schema.why}`);
  }

  if (mustRefuse && answer.status >= 400) {
    unverified.push(`${answer.status} ${describeProbe(c.probe).slice(0, 160)}`);
    if (unverified.length >= WINDOW) await verifyWindow(failures);
    return;
  }
  // The relay and the subscribers a successful write starts write after its response, and so does a
  // billing run an accepted submit queued: count them here, not in the next case.
  if (answer.status < 400 && op.isWrite) await settleEventPipeline();
  const now = await fingerprint();
  const changed = writesBetween(baseline, now);
  baseline = now;
  unverified = [];
  if (answer.status >= 400 && changed.length > 0) {
    stats.partialWrites++;
    fail(`refused with ${answer.status} but changed D1 tables ${changed.join(", ")}`);
  }
}

/**
 * Runs per (operation, family): megabyte bodies a fixed few; the rest share TOTAL_RUNS by weight,
 * cheap refusals (malformed JSON, schema failures) weighing most.
 */
const WEIGHTS: Partial<Record<Family, number>> = { "body-field": 3, "malformed-json": 6, "content-type": 6, "body-shape": 0.5, "body-field-surrogate-nul": 0.3, query: 2, "query-limit-high": 0.2, path: 0.7, headers: 0.3 };
/** Families whose cases often pass validation and do the operation's real (possibly slow) work. */
const REAL_WORK: Family[] = ["body-field", "body-field-surrogate-nul", "query", "query-limit-high", "path", "headers"];
/** Per operation, 25 ms / its valid request's latency (0.1–1): login's PBKDF2 gets fewer real-work cases. */
const costFactor = new Map<string, number>();
let weightSum = 0;
const weightOf = (op: Operation, family: Family) => (FIXED_RUNS[family] ? 0 : (WEIGHTS[family] ?? 1) * (REAL_WORK.includes(family) ? (costFactor.get(op.key) ?? 1) : 1));
function runsFor(family: Family, op: Operation): number {
  return FIXED_RUNS[family] ?? Math.max(1, Math.ceil((TOTAL_RUNS * weightOf(op, family)) / weightSum));
}

function seedOf(text: string): number {
  let h = SEED | 0;
  for (let i = 0; i < text.length; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0;
  return h;
}

// Families per operation are known only once the world exists; their names are known now.
const FAMILY_NAMES: Family[] = ["body-field", "body-field-surrogate-nul", "body-shape", "malformed-json", "content-type", "oversized", "oversized-multibyte", "oversized-stream", "query", "query-limit-high", "path", "headers"];

describe("hostile input generated from the OpenAPI document", () => {
  it("finds the operations to attack", () => expect(operations.length).toBeGreaterThan(20));

  it("sees a write in the write counter, and the content checksum agrees", async () => {
    const [counter, content] = [await d1Fingerprint(env.DB), await d1ContentFingerprint(env.DB)];
    expect(changedTables(counter, await d1Fingerprint(env.DB))).toEqual([]);
    await createCustomer({ name: "Counter check" });
    expect(changedTables(counter, await d1Fingerprint(env.DB))).not.toEqual([]);
    expect(changedTables(content, await d1ContentFingerprint(env.DB))).toContain("customers");
    baseline = await d1Fingerprint(env.DB);
  });

  for (const op of operations) {
    it(`${op.key} answers hostile input with a 4xx problem (or accepts valid input), never a 5xx or a partial write`, async () => {
      const ctx = { op, token: callerOf.get(op.key) ?? null, aIds: world.aIds, bIds };
      const families = familiesFor(ctx);
      const opFailures: string[] = [];
      bookkeeping = REFUSAL_BOOKKEEPING[op.key]?.tables ?? [];
      baseline = await fingerprint();
      for (const family of FAMILY_NAMES) {
        const arbitrary = families[family];
        if (!arbitrary) continue;
        const pending = KNOWN_DEFECTS_FIXED_ELSEWHERE[family];
        const failures: string[] = [];
        const seed = seedOf(`${op.key} ${family}`);
        // fast-check drives the generation; failures are collected (not thrown) so one run
        // reports every defect of the family, then verified below.
        await fc.assert(
          fc.asyncProperty(arbitrary, (c) => check(op, c, failures)),
          { seed, numRuns: runsFor(family, op), endOnFailure: true },
        );
        await verifyWindow(failures);
        const report = failures.map((f) => `${op.key} [${family}] ${f}`);
        if (pending) {
          if (report.length > 0) pendingHits.set(family, [...(pendingHits.get(family) ?? []), ...report]);
        } else opFailures.push(...report.map((r) => `${r}\n    (fast-check seed ${seed}; FUZZ_SEED=${SEED})`));
      }
      // Ending a shared session would turn the later operations' cases into 401s that prove nothing.
      const ended = (await endedSessions(world)).filter((who) => !endedBefore.has(who));
      for (const who of ended) endedBefore.add(who);
      if (ended.length > 0) opFailures.push(`${op.key} ended the shared staff session(s) ${ended.join(", ")}: list it in ENDS_CALLERS_SESSION (openapi-suites/world.ts)`);
      baseline = await fingerprint();
      expect(opFailures, opFailures.join("\n")).toEqual([]);
    }, 120_000);
  }

  it("every family listed in KNOWN_DEFECTS_FIXED_ELSEWHERE still fails (else remove it from the list)", () => {
    // A short local run (FUZZ_RUNS below the default) may simply not meet a pending defect.
    if (TOTAL_RUNS < 10_000) return;
    const fixed = Object.keys(KNOWN_DEFECTS_FIXED_ELSEWHERE).filter((family) => !pendingHits.has(family as Family));
    expect(fixed, "these known defects no longer reproduce: remove them from test/worker/openapi-suites/known-defects.ts").toEqual([]);
  });

  it(`ran at least ${TOTAL_RUNS} cases`, () => {
    expect(stats.cases).toBeGreaterThanOrEqual(TOTAL_RUNS);
  });
});
