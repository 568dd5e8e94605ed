// One well-known document verifies both seals and audit checkpoints.
import { describe, expect, it } from "vitest";
import { call, callJson, seedFixtures } from "./fixtures.ts";

describe("/.well-known/jwks.json", () => {
  it("publishes the audit log's checkpoint key beside the seal keys", async () => {
    await seedFixtures();
    const jwks = await (await call("GET", "/.well-known/jwks.json", { key: null })).json<{ keys: { kid: string; kty: string; crv?: string }[] }>();
    const audit = await callJson("GET", "/v1/audit/verifier-key");
    expect(audit.status).toBe(200);
    const auditKid = audit.body.jwk.kid as string;
    expect(jwks.keys.map((k) => k.kid)).toContain(auditKid);
    expect(jwks.keys.find((k) => k.kid === auditKid)).toMatchObject({ kty: "OKP", crv: "Ed25519" });
    expect(jwks.keys.length).toBeGreaterThanOrEqual(2);
  });
});
