// sentKeys: the reminders consumer's one bulk "already sent?" check for a whole batch. It must
// name exactly the keys with a "sent" record of THIS franchise: a key recorded only as
// suppressed or failed is still owed, and another franchise's record of the same key says
// nothing here. More keys than D1's 100 bound parameters go in one call.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { runBatch } from "../../workers/db/batch.ts";
import { database } from "../../workers/db/client.ts";
import { communicationInsert, sentKeys } from "../../workers/db/dunning.ts";
import { A, B, createCustomer, seedFixtures } from "./fixtures.ts";

const key = (i: number) => `sentkeys:cus:d1:2026-12-${String((i % 28) + 1).padStart(2, "0")}:${i}`;
let customerA: string;

beforeAll(async () => {
  await seedFixtures();
  customerA = await createCustomer({ name: "Sent Keys A" });
  const customerB = await createCustomer({ name: "Sent Keys B" }, B.key);
  const db = database(env.DB);
  const at = "2026-12-01T09:00:00.000Z";
  const base = { kind: "sent", actor: "system:test", occurredAt: at, channel: "email" };
  await runBatch(db, [
    // 0..149 sent in A; 150..169 only suppressed in A; 200 sent in B only; 170 failed in A.
    ...Array.from({ length: 150 }, (_, i) => communicationInsert(db, A.franchiseId, { ...base, customerId: customerA, idempotencyKey: key(i) })),
    ...Array.from({ length: 20 }, (_, i) => communicationInsert(db, A.franchiseId, { ...base, kind: "suppressed", customerId: customerA, idempotencyKey: key(150 + i) })),
    communicationInsert(db, A.franchiseId, { ...base, kind: "failed", customerId: customerA, idempotencyKey: key(170) }),
    communicationInsert(db, B.franchiseId, { ...base, customerId: customerB, idempotencyKey: key(200) }),
  ]);
});

describe("sentKeys", () => {
  it("names exactly this franchise's sent keys among 300 asked at once", async () => {
    const asked = Array.from({ length: 300 }, (_, i) => key(i));
    const sent = await sentKeys(database(env.DB), A.franchiseId, asked);
    expect([...sent].sort()).toEqual(Array.from({ length: 150 }, (_, i) => key(i)).sort());
    expect(sent.has(key(200))).toBe(false);
    expect((await sentKeys(database(env.DB), B.franchiseId, asked)).has(key(200))).toBe(true);
  });

  it("answers an empty set for no keys and for keys never recorded", async () => {
    expect((await sentKeys(database(env.DB), A.franchiseId, [])).size).toBe(0);
    expect((await sentKeys(database(env.DB), A.franchiseId, ["sentkeys:never", "it's \"quoted\""])).size).toBe(0);
  });
});
