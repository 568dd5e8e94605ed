// Creating a partner API key: the secret is made here, returned once to the caller, and only its
// SHA-256 is stored. The insert and the idempotency commit are one batch.
import type { BillingContext } from "../billing/context.ts";
import { runBatch } from "../db/batch.ts";
import { insertApiKeyStatement, type ApiKeyRow } from "../db/api-keys.ts";
import { idempotencyCommit } from "../db/idempotency.ts";
import { newId } from "../db/ids.ts";
import { forgetUnknown } from "./principal-cache.ts";
import { API_KEY_PREFIX, newSecretToken, sha256Hex } from "./secrets.ts";

export async function createApiKey(ctx: BillingContext, input: { name: string; scopes: string[] }): Promise<{ row: ApiKeyRow; key: string }> {
  const key = newSecretToken(API_KEY_PREFIX);
  const keyHash = await sha256Hex(key);
  const row = {
    id: newId("key"),
    franchiseId: ctx.franchiseId,
    name: input.name,
    prefix: key.slice(0, 12),
    keyHash,
    scopes: [...new Set(input.scopes)].sort().join(" "),
    createdAt: ctx.clock.now().toISOString(),
  };
  await runBatch(ctx.db, [insertApiKeyStatement(ctx.db, row), ...idempotencyCommit(ctx.db, ctx.idempotency, "api_key.created", row.id)]);
  forgetUnknown(keyHash);
  return { row: { ...row, revokedAt: null }, key };
}
