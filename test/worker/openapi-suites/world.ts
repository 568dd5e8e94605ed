// The world the generated suites attack: the two-franchise fixture, staff sessions, and real
// ids of franchise A's resources for every id prefix the OpenAPI document mentions (from
// `pattern: ^<prefix>_...`). A prefix with no factory fails with a message saying where to add one.
import { A, B, callJson, createCustomer, createDraft, login, seedFixtures, seedStaff, STAFF } from "../fixtures.ts";
import type { Operation } from "./operations.ts";
import { idPrefixesIn, sampleMatching } from "./schema-example.ts";

export interface Sessions {
  aAdmin: string;
  aStaff: string;
  bAdmin: string;
}

export interface World {
  sessions: Sessions;
  /** prefix → real ids of franchise A (several "variants" where state matters: draft vs issued). */
  aIds: Map<string, string[]>;
  /** Every id that belongs to A: none may ever appear in an answer to another franchise. */
  allAIds: Set<string>;
}

type Need = (prefix: string) => Promise<string[]>;

async function created(res: Promise<{ status: number; body: any }>, what: string): Promise<string> {
  const r = await res;
  if (r.status !== 201 && r.status !== 200) throw new Error(`world: could not create ${what}: ${r.status} ${JSON.stringify(r.body)}`);
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
    const [, issued] = await need("inv");
    return [await created(callJson("POST", "/v1/credit-notes", { body: { invoiceId: issued, reason: "goodwill", lines: [{ description: "Discount", quantity: 1, unitPrice: 100 }] } }), "a credit note")];
  },
  pay: async (need) => {
    const [customerId] = await need("cus");
    const [, issued] = await need("inv");
    return [await created(callJson("POST", "/v1/payments", { body: { customerId, currency: "EUR", amount: 500, allocations: [{ invoiceId: issued, amount: 500 }] } }), "a payment")];
  },
  key: async (_need, s) => [await created(callJson("POST", "/v1/api-keys", { key: s.aAdmin, body: { name: "isolation target", scopes: ["read"] } }), "an API key")],
};

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
  const sessions: Sessions = { aAdmin: await login(STAFF.aAdmin.email), aStaff: await login(STAFF.aStaff.email), bAdmin: await login(STAFF.bAdmin.email) };
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
  return { sessions, aIds, allAIds };
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
