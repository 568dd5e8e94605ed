// The OpenAPI document partners generate clients from passes a third-party linter (Redocly's
// recommended rules, redocly.yaml) with 0 errors. The document is the one the app serves.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createApp } from "../../workers/api/app.ts";

async function servedDocument(): Promise<any> {
  const res = await createApp().request("https://api.ledgerline.dev/openapi.json", {}, { LOG_LEVEL: "silent" });
  expect(res.status).toBe(200);
  return res.json();
}

describe("OpenAPI document", () => {
  it("lints with 0 errors under Redocly's recommended rules", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "openapi-")), "openapi.json");
    writeFileSync(file, JSON.stringify(await servedDocument(), null, 2));
    let output: string;
    try {
      output = execFileSync("npx", ["redocly", "lint", file, "--config", "redocly.yaml", "--format", "json"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    } catch (e) {
      output = (e as { stdout?: string }).stdout ?? "";
    }
    const report = JSON.parse(output.slice(output.indexOf("{")));
    const errors = (report.problems as Array<{ severity: string; message: string; location?: Array<{ pointer?: string }> }>).filter((p) => p.severity === "error");
    expect(errors.map((p) => `${p.location?.[0]?.pointer}: ${p.message}`)).toEqual([]);
    expect(report.totals.errors).toBe(0);
  });

  it("names its server and shares one Problem schema instead of inlining it", async () => {
    const doc = await servedDocument();
    expect(doc.servers).toEqual([{ url: "https://api.ledgerline.dev", description: expect.any(String) }]);
    for (const name of ["Problem", "Invoice", "Customer", "CreditNote", "Payment", "Branch", "ServiceType", "ApiKey", "InvoiceList", "CustomerList"]) {
      expect(doc.components.schemas, name).toHaveProperty(name);
    }
    const text = JSON.stringify(doc.paths);
    expect(text.match(/"application\/problem\+json":\{"schema":\{"\$ref":"#\/components\/schemas\/Problem"\}\}/g)?.length).toBeGreaterThan(50);
    expect(text).not.toContain('"title":{"type":"string"}'); // no inlined problem schema
  });

  it("states what the server enforces: required bodies and headers, key pattern, quantity precision", async () => {
    const doc = await servedDocument();
    const ops = Object.values(doc.paths).flatMap((p: any) => Object.values(p)) as any[];
    for (const op of ops) {
      if (op.requestBody) expect(op.requestBody.required, op.operationId).toBe(true);
      expect(op.responses.default, op.operationId).toBeDefined();
      for (const param of op.parameters ?? []) if (param.in === "header") expect(param.schema.type, `${op.operationId} ${param.name}`).toBe("string");
    }
    const patch = doc.paths["/v1/customers/{id}"].patch;
    expect(patch.parameters.find((p: any) => p.name === "if-match").required).toBe(true);
    expect(Object.keys(patch.responses)).toEqual(expect.arrayContaining(["200", "400", "401", "403", "404", "412", "413", "415", "422", "428"]));
    const create = doc.paths["/v1/invoices"].post;
    expect(create.parameters.find((p: any) => p.name === "idempotency-key").schema.pattern).toBe("^[\\x21-\\x7e]{1,255}$");
    expect(Object.keys(create.responses["201"].headers)).toEqual(expect.arrayContaining(["ETag", "Location", "Idempotent-Replayed", "X-Request-Id"]));
    expect(doc.paths["/v1/invoices"].get.responses["401"].headers).toHaveProperty("WWW-Authenticate");
    const line = doc.components.schemas.CreateInvoiceRequest.properties.lines.items.properties;
    expect(line.quantity.multipleOf).toBe(0.001);
    expect(line.description.maxLength).toBe(500);
  });
});
