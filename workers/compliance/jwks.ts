// The public keys anyone can verify Ledgerline's seals and signatures with, served at
// /.well-known/jwks.json. The platform seal's keys are always in it; other capabilities (the
// audit log's checkpoint key, say) add theirs with contributeJwks at module load.
import { sealEnv, sealKeyring } from "./seal/keys.ts";

export interface Jwk {
  kty: string;
  kid: string;
  [field: string]: unknown;
}

export type JwksContributor = (env: Env) => Promise<readonly Jwk[]> | readonly Jwk[];

const contributors = new Map<string, JwksContributor>();

/** Registers `name`'s keys; returns the function that removes them again (tests). */
export function contributeJwks(name: string, contributor: JwksContributor): () => void {
  if (contributors.has(name)) throw new Error(`JWKS contributor ${name} is already registered`);
  contributors.set(name, contributor);
  return () => void contributors.delete(name);
}

/** Every published key; the first to claim a kid wins, so a contributor cannot shadow a seal key. */
export async function publishedJwks(env: Env): Promise<{ keys: Jwk[] }> {
  const keyring = await sealKeyring(sealEnv(env));
  const keys: Jwk[] = [...keyring.verifying.values()].map((v) => ({ ...v.jwk }));
  const seen = new Set(keys.map((k) => k.kid));
  for (const contributor of contributors.values()) {
    for (const key of await contributor(env)) {
      if (seen.has(key.kid)) continue;
      seen.add(key.kid);
      keys.push(key);
    }
  }
  return { keys };
}
