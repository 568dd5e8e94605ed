// Fake credentials must never reach a real provider, and a deployment without its secrets must
// fail loudly rather than fall back to a public demo key.
import { describe, expect, it } from "vitest";
import { isLoopbackUrl, platformSecret, providerSecret } from "../../workers/config/local-secrets.ts";

describe("local secrets", () => {
  it("treats only loopback http URLs as local fakes", () => {
    for (const url of ["http://127.0.0.1:8911", "http://localhost:3000/api", "http://[::1]:9"]) expect(isLoopbackUrl(url)).toBe(true);
    for (const url of ["https://api.xero.com", "http://127.0.0.1.evil.example", "https://127.0.0.1:1", "http://localhost.example.com", "", undefined]) expect(isLoopbackUrl(url)).toBe(false);
  });

  it("uses a provider's fake credential only while its URL is a local fake", () => {
    expect(providerSecret(undefined, "http://127.0.0.1:8911", "fake")).toBe("fake");
    expect(providerSecret(undefined, "https://api.xero.com", "fake")).toBeNull();
    expect(providerSecret("real", "http://127.0.0.1:8911", "fake")).toBe("real");
  });

  it("falls back to a demo platform key only when allowed, and says which secret is missing otherwise", () => {
    expect(platformSecret({ LOCAL_DEMO_SECRETS: "allowed" }, "BI_SIGNING_KEY")).toMatch(/fake/);
    expect(platformSecret({ LOCAL_DEMO_SECRETS: "forbidden", BI_SIGNING_KEY: "k".repeat(32) }, "BI_SIGNING_KEY")).toBe("k".repeat(32));
    expect(() => platformSecret({ LOCAL_DEMO_SECRETS: "forbidden" }, "ERP_TOKEN_KEY")).toThrow(/ERP_TOKEN_KEY/);
    expect(() => platformSecret({}, "BI_SIGNING_KEY")).toThrow(/wrangler secret put BI_SIGNING_KEY/);
  });
});
