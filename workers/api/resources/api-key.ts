// The API key as partners and staff see it: never the secret, only its first characters.
import { z } from "zod";
import type { ApiKeyRow } from "../../db/api-keys.ts";

export const ApiKey = z.object({ id: z.string(), name: z.string(), prefix: z.string(), scopes: z.array(z.enum(["read", "write"])), createdAt: z.string(), revokedAt: z.string().nullable() }).meta({ id: "ApiKey" });

export const CreatedApiKey = ApiKey.extend({
  key: z.string().nullable().describe("The secret, in the first response only. An idempotent replay answers null (the secret is never stored) with keyShownOnce: true"),
  keyShownOnce: z.boolean().optional().describe("true on a replayed creation: the key was shown once, to the first response; revoke it and create another if it was lost"),
}).meta({ id: "CreatedApiKey" });

export const apiKeyResource = (k: Omit<ApiKeyRow, "keyHash" | "franchiseId">): z.infer<typeof ApiKey> => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  scopes: k.scopes.split(" ") as Array<"read" | "write">,
  createdAt: k.createdAt,
  revokedAt: k.revokedAt,
});
