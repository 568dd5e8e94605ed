// Customers: create, read, list with cursors, and updates guarded by ETag/If-Match.
import { beforeAll, describe, expect, it } from "vitest";
import { callJson, seedFixtures } from "./fixtures.ts";

beforeAll(seedFixtures);

describe("customers", () => {
  it("creates a customer with channel consent and reads it back with an ETag", async () => {
    const created = await callJson("POST", "/v1/customers", {
      body: {
        name: "Jordi Puig",
        email: "jordi@example.es",
        phone: "+34600123456",
        segment: "consumer",
        language: "es",
        timezone: "Europe/Madrid",
        channels: { email: { address: "jordi@example.es", consent: "granted" }, whatsapp: { address: "+34600123456", consent: "granted", optedOut: true } },
      },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get("etag")).toBe('"v1"');
    expect(created.body.channels.email).toMatchObject({ consent: "granted", optedOut: false });
    expect(created.body.channels.whatsapp).toMatchObject({ optedOut: true });
    expect(created.body.channels.whatsapp.optedOutAt).not.toBeNull();
    const read = await callJson("GET", `/v1/customers/${created.body.id}`);
    expect(read.body).toEqual(created.body);
  });

  it("updates with a matching If-Match, refuses a stale one with 412 and a missing one with 428", async () => {
    const created = await callJson("POST", "/v1/customers", { body: { name: "Ana" } });
    const id = created.body.id;
    const missing = await callJson("PATCH", `/v1/customers/${id}`, { body: { name: "Ana María" } });
    expect(missing.status).toBe(428);
    const ok = await callJson("PATCH", `/v1/customers/${id}`, { body: { name: "Ana María", channels: { sms: { address: "+34611111111", consent: "granted" } } }, headers: { "if-match": '"v1"' } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ name: "Ana María", version: 2 });
    expect(ok.headers.get("etag")).toBe('"v2"');
    const stale = await callJson("PATCH", `/v1/customers/${id}`, { body: { name: "Stale" }, headers: { "if-match": '"v1"' } });
    expect(stale.status).toBe(412);
    expect((await callJson("GET", `/v1/customers/${id}`)).body.name).toBe("Ana María");
  });

  it("rejects an unknown timezone with 422 naming the field", async () => {
    const res = await callJson("POST", "/v1/customers", { body: { name: "Tz", timezone: "Mars/Olympus" } });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].field).toBe("timezone");
  });

  it("pages through customers with a cursor, newest first, without repeats", async () => {
    for (let i = 0; i < 5; i++) await callJson("POST", "/v1/customers", { body: { name: `Paged ${i}` } });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { data: Array<{ id: string }>; nextCursor: string | null } } = await callJson("GET", `/v1/customers?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      seen.push(...res.body.data.map((c) => c.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort().reverse()).toEqual(seen);
    expect(seen.length).toBeGreaterThanOrEqual(7);
    const bad = await callJson("GET", "/v1/customers?cursor=garbage");
    expect(bad.status).toBe(400);
  });
});
