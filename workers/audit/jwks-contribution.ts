// Publishes the audit log's checkpoint key beside the seal keys in /.well-known/jwks.json, so
// one well-known document verifies both what we sealed and what we logged.
import { contributeJwks, type Jwk } from "../compliance/jwks.ts";
import { auditPublicJwk } from "./signing-key.ts";

contributeJwks("audit-checkpoints", async (env): Promise<Jwk[]> => {
  const { kty, ...rest } = await auditPublicJwk(env);
  return [{ ...rest, kty: kty ?? "OKP" }];
});
