// The world the generated suites attack: the two-franchise fixture, staff sessions, and real
// ids of franchise A's resources for every id prefix the OpenAPI document mentions (from
// `pattern: ^<prefix>_...`). A prefix with no factory fails with a message saying where to add one.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../../workers/index.ts";
import { A, B, callJson, createCustomer, createDraft, login, seedFixtures, seedStaff, STAFF } from "../fixtures.ts";
import type { Operation } from "./operations.ts";
import { auditLog } from "../../../workers/audit/log-client.ts";
import { subscribersFor } from "../../../workers/events/subscribers.ts";
import { idPrefixesIn, sampleMatching } from "./schema-example.ts";

export interface Sessions {
  aAdmin: string;
  aStaff: string;
  /** A branch manager of A's Madrid branch only: must be refused everything of New York. */
  aManager: string;
  bAdmin: string;
}

/**
 * Operations that end the session they are called with. Called with a shared session they
 * would silently turn every later case of that caller into a 401 (a "refusal" that proves
 * nothing), so each call of one of these gets a session of its own (`sessionFor`).
 */
export const ENDS_CALLERS_SESSION: Record<string, string> = {
  "POST /auth/logout": "revokes the Bearer session it is called with",
};

const SESSION_EMAILS: Record<keyof Sessions, string> = { aAdmin: STAFF.aAdmin.email, aStaff: STAFF.aStaff.email, aManager: STAFF.aManager.email, bAdmin: STAFF.bAdmin.email };

/**
 * The token to send `op` with: `token` itself, unless it is one of the world's shared sessions
 * and `op` ends its caller's session; then a fresh login of the same staff user.
 */
export async function sessionFor(world: World, op: Operation, token: string | null): Promise<string | null> {
  if (token === null || !ENDS_CALLERS_SESSION[op.key]) return token;
  const who = (Object.keys(SESSION_EMAILS) as Array<keyof Sessions>).find((k) => world.sessions[k] === token);
  return who ? login(SESSION_EMAILS[who]) : token;
}

/** The shared sessions that no longer authenticate (some operation ended them). */
export async function endedSessions(world: World): Promise<string[]> {
  const ended: string[] = [];
  for (const [who, token] of Object.entries(world.sessions)) {
    if ((await callJson("GET", "/v1/ops/events", { key: token })).status === 401) ended.push(who);
  }
  return ended;
}

export interface World {
  sessions: Sessions;
  /** prefix → real ids of franchise A (several "variants" where state matters: draft vs issued). */
  aIds: Map<string, string[]>;
  /** Every id that belongs to A: none may ever appear in an answer to another franchise. */
  allAIds: Set<string>;
  /** A's resources that belong to its New York branch: hidden from the Madrid branch manager. */
  newYorkIds: Set<string>;
}

type Need = (prefix: string) => Promise<string[]>;

async function created(res: Promise<{ status: number; body: any }>, what: string): Promise<string> {
  const r = await res;
  if (r.status !== 201 && r.status !== 200 && r.status !== 202) throw new Error(`world: could not create ${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.id;
}

/**
 * One factory per id prefix: creates franchise A resources THROUGH THE API and returns their ids.
 * New route with a new kind of id? Add a factory here (and keep the variants that matter, e.g.
 * an object in each state a route treats differently).
 */
const FACTORIES: Record<string, (need: Need, s: Sessions) => Promise<string[]>> = {
  br: async () => [A.madrid, A.newYork],
  st: async () => [A.cleaning, A.books],
  cus: async () => [await createCustomer({ phone: "+34600123456", channels: { email: { address: "lucia@example.es", consent: "granted" } } })],
  inv: async (need) => {
    const [customerId] = await need("cus");
    const draft = await createDraft(customerId!);
    const issued = await createDraft(customerId!);
    const usd = await createDraft(customerId!, { branchId: A.newYork, currency: "USD", lines: [{ description: "NY cleaning", quantity: 2, unitPrice: 9900 }] });
    for (const inv of [issued, usd]) await created(callJson("POST", `/v1/invoices/${inv.id}/issue`), "an issued invoice");
    // draft, issued (EUR), issued (USD: lets hostile input mix currencies within one document)
    return [draft.id, issued.id, usd.id];
  },
  cn: async (need) => {
    const [, issued, usd] = await need("inv");
    const credit = (invoiceId: string) => created(callJson("POST", "/v1/credit-notes", { body: { invoiceId, reason: "goodwill", lines: [{ description: "Discount", quantity: 1, unitPrice: 100 }] } }), "a credit note");
    // Madrid (EUR) and New York (USD): the second is out of the Madrid branch manager's reach.
    return [await credit(issued!), await credit(usd!)];
  },
  pay: async (need) => {
    const [customerId] = await need("cus");
    const [, issued] = await need("inv");
    return [
      await created(callJson("POST", "/v1/payments", { body: { customerId, currency: "EUR", amount: 500, allocations: [{ invoiceId: issued, amount: 500 }] } }), "a payment"),
      // Mostly unallocated: the customer's credit, for later allocations and for refunds.
      await created(callJson("POST", "/v1/payments", { body: { customerId, currency: "EUR", amount: 50_000, allocations: [{ invoiceId: issued, amount: 100 }] } }), "a payment with a remainder"),
    ];
  },
  rf: async (need) => {
    const [customerId] = await need("cus");
    await need("pay"); // the credit it refunds
    return [await created(callJson("POST", "/v1/refunds", { body: { customerId, currency: "EUR", amount: 1_000, method: "bank_transfer", reference: "isolation target" } }), "a refund")];
  },
  // No API creates a dead letter: a queue does, by handing a message it gave up on to the
  // "<queue>-dlq" consumer. So deliver one there through the Worker's own queue handler
  // (queues/dead-letter-sink.ts keeps it). Its event type has no subscriber: replaying it (owner
  // runs, fuzz) has no side effect.
  dlq: async (_need, s) => {
    const ids: string[] = [];
    for (const n of [1, 2]) {
      const messageId = `isolation-dead-${n}-${Date.now()}`;
      const body = { eventId: `evt_isolation_dead_${n}_${Date.now()}`, franchiseId: A.franchiseId, seq: 1, type: "invoice.voided", aggregateType: "invoice", aggregateId: "inv_x", aggregateVersion: 2, actor: "system:isolation", occurredAt: "2026-01-01T00:00:00.000Z", payload: {} };
      const batch = createMessageBatch("domain-events-dlq", [{ id: messageId, attempts: 1, timestamp: new Date(), body }]);
      const ctx = createExecutionContext();
      await worker.queue(batch, env, ctx);
      const result = await getQueueResult(batch, ctx);
      if (!result.explicitAcks.includes(messageId)) throw new Error(`world: the dead-letter sink did not keep ${messageId}: ${JSON.stringify(result)}`);
      const listed = await callJson("GET", "/v1/ops/dead-letters?limit=200", { key: s.aAdmin });
      const id = listed.body?.data?.find((d: any) => d.messageId === messageId)?.id;
      if (!id) throw new Error(`world: dead letter ${messageId} not listed: ${listed.status} ${JSON.stringify(listed.body)}`);
      ids.push(id);
    }
    // pending, and one already replayed (replaying it again changes nothing)
    await created(callJson("POST", `/v1/ops/dead-letters/${ids[1]}/replay`, { key: s.aAdmin }), "a replayed dead letter");
    return ids;
  },
  // An active viewer and a branch manager (of Madrid), made by A's admin: fuzz may change or deactivate them.
  usr: async (_need, s) => [
    await created(callJson("POST", "/v1/staff", { key: s.aAdmin, body: { email: "isolation.viewer@alpha.test", name: "Isolation Viewer", role: "viewer" } }), "a staff user"),
    await created(callJson("POST", "/v1/staff", { key: s.aAdmin, body: { email: "isolation.manager@alpha.test", name: "Isolation Manager", role: "branch_manager", branchIds: [A.madrid] } }), "a branch manager"),
  ],
  // A queued BI export (analytics, issue 11): made by A's admin; the queue may run it meanwhile.
  bix: async (_need, s) => [await created(callJson("POST", "/v1/bi/exports", { key: s.aAdmin, body: { date: "2026-01-15" } }), "a BI export")],
  // Billing runs (issue 13): an agreement in Madrid (EUR) and one in New York (USD: out of the Madrid manager's reach).
  agr: async (need) => {
    const [customerId] = await need("cus");
    const agreement = (branchId: string, serviceTypeId?: string) =>
      created(callJson("POST", "/v1/agreements", { body: { customerId, branchId, serviceTypeId: serviceTypeId ?? A.cleaning, quantity: 2, unitPrice: 4500, cadence: "monthly", startDate: "2026-01-10" } }), "an agreement");
    return [await agreement(A.madrid), await agreement(A.newYork)];
  },
  // A run of Madrid's agreements for a past month; its workflow may run meanwhile.
  brun: async (need) => {
    await need("agr");
    return [await created(callJson("POST", "/v1/billing-runs", { body: { branchId: A.madrid, period: "2026-01", source: "agreements" } }), "a billing run")];
  },
  key: async (_need, s) => [await created(callJson("POST", "/v1/api-keys", { key: s.aAdmin, body: { name: "isolation target", scopes: ["read"] } }), "an API key")],
  // Scale (issue 13): rate plans are the platform operator's (A's admins in tests, vitest.config.ts).
  // Generous limits, so a fuzzed assignment never throttles the suites' own keys.
  rp: async (_need, s) => [await created(callJson("POST", "/v1/rate-plans", { key: s.aAdmin, body: { name: "isolation plan", keyBurst: 1_000_000, keyPerMinute: 60_000_000, franchiseBurst: 1_000_000, franchisePerMinute: 60_000_000, expensiveConcurrency: 1_000 } }), "a rate plan")],
  fr: async () => [A.franchiseId],
  // Accounting integrations (issue 8): a pending Xero connection of A.
  erc: async (_need, s) => {
    const r = await callJson("POST", "/v1/integrations", { key: s.aAdmin, body: { provider: "xero" } });
    if (r.status !== 201) throw new Error(`world: could not create an integration: ${r.status} ${JSON.stringify(r.body)}`);
    return [r.body.integration.id];
  },
  // Dunning: a cadence template, and an open dispute on the Madrid and on the New York invoice.
  cad: async () => [
    await created(
      callJson("POST", "/v1/dunning/cadences", { body: { name: "World cadence", steps: [{ id: "d1", trigger: { type: "days_after_due", days: 1 }, channels: ["email"], templates: { en: { body: "{{customerName}} owes {{amountDue}}" } } }] } }),
      "a dunning cadence",
    ),
  ],
  // Tax-rate changes (issue 10) are staged by the rate feed, for every franchise at once: no API
  // creates one, and the fake feed is shared by every test file of the run, so the world stages
  // them straight into its own D1 (one pending, one already rejected) instead of through a sync.
  trc: async () => {
    const ids = ["trc_0000000000000000000000wld1", "trc_0000000000000000000000wld2"];
    await env.DB.batch(
      ids.map((id, i) =>
        env.DB.prepare("INSERT INTO tax_rate_changes (id, jurisdiction, category, rate_ppm, effective_from, effective_to, source, feed, fingerprint, status, staged_at) VALUES (?, 'ES', 'standard', ?, '2099-01-01', NULL, 'world', 'world', ?, ?, '2026-01-01T00:00:00.000Z')").bind(id, 220_000 + i, `world|${id}`, i === 0 ? "pending" : "rejected"),
      ),
    );
    return ids;
  },
  // Legal holds (issue 10): an active one on the issued Madrid invoice, and a lifted one on its credit note.
  lh: async (need, s) => {
    const [, issued] = await need("inv");
    const [credit] = await need("cn");
    const active = await created(callJson("POST", "/v1/legal-holds", { key: s.aAdmin, body: { documentKind: "invoice", documentId: issued, reason: "isolation target" } }), "a legal hold");
    const lifted = await created(callJson("POST", "/v1/legal-holds", { key: s.aAdmin, body: { documentKind: "credit_note", documentId: credit, reason: "isolation target" } }), "a legal hold");
    await created(callJson("POST", `/v1/legal-holds/${lifted}/lift`, { key: s.aAdmin, body: { reason: "done" } }), "a lifted legal hold");
    return [active, lifted];
  },
  // Dunning escalations (issue 7) are recorded by the dunning run, not created by an API: the world
  // writes two escalation records straight into its D1, on the Madrid and on the New York invoice.
  com: async (need) => {
    const [, issued, usd] = await need("inv");
    const ids = ["com_0000000000000000000000wld1", "com_0000000000000000000000wld2"];
    await env.DB.batch(
      [issued!, usd!].map((invoiceId, i) =>
        env.DB.prepare("INSERT INTO communications (id, franchise_id, customer_id, kind, invoice_ids, reason, actor, occurred_at) SELECT ?, franchise_id, customer_id, 'escalation', ?, 'notify_branch_manager,formal_notice', 'system:dunning', '2026-01-01T10:00:00.000Z' FROM invoices WHERE id = ?").bind(ids[i], JSON.stringify([invoiceId]), invoiceId),
      ),
    );
    return ids;
  },
  dsp: async (need) => {
    const [, issued, usd] = await need("inv");
    const dispute = (invoiceId: string) => created(callJson("POST", `/v1/invoices/${invoiceId}/disputes`, { body: { reason: "isolation target" } }), "a dispute");
    return [await dispute(issued!), await dispute(usd!)];
  },
};

/**
 * Waits for the event relay a successful write starts after its response (waitUntil in
 * workers/api/middleware/publish-events.ts): until no event is pending and no relay holds a
 * lease. Its writes (published_at, the lease) belong to the accepted request; without the wait
 * they land in the next request's window and look like that request's partial write.
 */
export async function settleEventRelay(timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await env.DB.prepare("SELECT (SELECT count(*) FROM outbox_events WHERE published_at IS NULL) + (SELECT count(*) FROM outbox_relay_leases) AS busy").first<{ busy: number }>();
    if (row!.busy === 0) return;
    if (Date.now() > deadline) throw new Error(`world: the event relay has not settled after ${timeoutMs} ms (${row!.busy} pending events + leases)`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Waits until every event published in the last minute is "done" for each subscriber of its type.
 * The relay settling is not the end of a write's effects: the domain-events consumer delivers a
 * batch up to its max_batch_timeout later, and its processed_events rows (and whatever the
 * subscribers write) would otherwise land in the next case's measurement.
 */
export async function settleSubscribers(timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const since = new Date(Date.now() - 60_000).toISOString();
    const { results } = await env.DB.prepare(
      "SELECT e.id, e.type, (SELECT group_concat(p.subscriber, ' ') FROM processed_events p WHERE p.event_id = e.id AND p.status = 'done') AS done FROM outbox_events e WHERE e.published_at IS NOT NULL AND e.published_at >= ?",
    )
      .bind(since)
      .all<{ id: string; type: string; done: string | null }>();
    const waiting = results.flatMap((e) => {
      const done = new Set((e.done ?? "").split(" "));
      return subscribersFor(e.type)
        .filter((s) => !done.has(s.name))
        .map((s) => `${e.type} ${e.id} → ${s.name}`);
    });
    if (waiting.length === 0) return;
    if (Date.now() > deadline) throw new Error(`world: subscribers have not handled ${waiting.length} events after ${timeoutMs} ms, e.g. ${waiting.slice(0, 3).join("; ")}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Waits until no billing run is queued or running. An accepted POST /v1/billing-runs only records
 * the run; the invoice-batches consumer starts its workflow about a second later, and the workflow
 * writes after the response (plan, invoices, status): those writes belong to that request.
 */
export async function settleBillingRuns(timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await env.DB.prepare("SELECT count(*) AS busy FROM billing_runs WHERE status IN ('queued', 'running')").first<{ busy: number }>();
    if (row!.busy === 0) return;
    if (Date.now() > deadline) throw new Error(`world: ${row!.busy} billing runs still queued or running after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A successful write's whole pipeline: a billing run it queued ends, the relay publishes, then every subscriber has handled it. */
export async function settleEventPipeline(): Promise<void> {
  await settleBillingRuns();
  await settleEventRelay();
  await settleSubscribers();
}

export function prefixesUsedBy(operations: Operation[]): Set<string> {
  const prefixes = new Set<string>();
  for (const op of operations) {
    for (const p of op.parameters) idPrefixesIn(p.schema, prefixes);
    if (op.body) idPrefixesIn(op.body.schema, prefixes);
  }
  return prefixes;
}

export async function buildWorld(operations: Operation[]): Promise<World> {
  await seedFixtures();
  await seedStaff();
  const sessions: Sessions = {
    aAdmin: await login(STAFF.aAdmin.email),
    aStaff: await login(STAFF.aStaff.email),
    aManager: await login(STAFF.aManager.email),
    bAdmin: await login(STAFF.bAdmin.email),
  };
  const built = new Map<string, Promise<string[]>>();
  const need: Need = (prefix) => {
    const factory = FACTORIES[prefix];
    if (!factory) {
      const users = operations.filter((op) => idPrefixesIn([op.parameters.map((p) => p.schema), op.body?.schema]).has(prefix)).map((op) => op.key);
      throw new Error(
        `no factory for id prefix "${prefix}_" (used by ${users.join(", ")}): add one to FACTORIES in test/worker/openapi-suites/world.ts that creates a franchise A resource of that kind through the API`,
      );
    }
    let ids = built.get(prefix);
    if (!ids) built.set(prefix, (ids = factory(need, sessions)));
    return ids;
  };
  const aIds = new Map<string, string[]>();
  for (const prefix of [...prefixesUsedBy(operations)].sort()) aIds.set(prefix, await need(prefix));
  const allAIds = new Set<string>([A.franchiseId, ...[...aIds.values()].flat()]);
  const newYorkIds = new Set<string>([A.newYork]);
  const [, , usdInvoice] = aIds.get("inv") ?? [];
  const [, usdCreditNote] = aIds.get("cn") ?? [];
  const [, usdDispute] = aIds.get("dsp") ?? [];
  for (const id of [usdInvoice, usdCreditNote, usdDispute]) if (id) newYorkIds.add(id);
  await settleEventRelay();
  // audit (issue 10): each franchise's log holds an entry, so index=0&size=1 is a valid proof request for both.
  for (const franchiseId of [A.franchiseId, B.franchiseId]) {
    await auditLog(env, franchiseId).append(franchiseId, [{ eventId: `evt_world_${franchiseId}`, type: "customer.created", aggregateType: "customer", aggregateId: "cus_world", actor: "system:test", occurredAt: "2026-01-01T00:00:00.000Z", seq: 0, payload: {} }]);
  }
  // audit (issue 10): A has a witness configured, so clearing it (DELETE /v1/audit/witness) is a valid owner request.
  const witness = await callJson("PUT", "/v1/audit/witness", { key: sessions.aAdmin, body: { url: "https://witness.example/isolation", secret: "isolation-witness-secret-0001" } });
  if (witness.status !== 200) throw new Error(`world: could not set A's audit witness (${witness.status} ${JSON.stringify(witness.body)})`);
  return { sessions, aIds, allAIds, newYorkIds };
}

/**
 * Ids for one "binding" of an operation: variant k uses the k-th id of each prefix (cycling),
 * so an operation on invoices runs once against the draft, once against the issued one, ...
 */
export function variantCount(world: World, prefixes: Iterable<string>): number {
  return Math.max(1, ...[...prefixes].map((p) => world.aIds.get(p)?.length ?? 1));
}

export function aIdFor(world: World, variant: number) {
  return (prefix: string): string => {
    const ids = world.aIds.get(prefix);
    if (!ids?.length) throw new Error(`world has no franchise A id for prefix ${prefix}`);
    return ids[variant % ids.length]!;
  };
}

/** A well-formed id that exists nowhere: the control for "does the answer reveal existence?". */
export function randomIdFor(seed: number) {
  const memo = new Map<string, string>();
  return (prefix: string, pattern: string): string => {
    let id = memo.get(prefix);
    if (!id) memo.set(prefix, (id = sampleMatching(pattern, seed + prefix.length * 7919)));
    return id;
  };
}

export { A, B };
