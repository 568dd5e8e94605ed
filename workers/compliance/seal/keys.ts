// The platform seal's keys, from Worker secrets:
//   SEAL_SIGNING_KEY   the current Ed25519 private key as a JWK ({ kty: "OKP", crv: "Ed25519", d, x, kid? }).
//   SEAL_RETIRED_KEYS  a JSON array of earlier public JWKs: rotated out of signing, still published
//                      at /.well-known/jwks.json so the seals they made keep verifying.
// Without SEAL_SIGNING_KEY, and only while the var SEAL_DEMO_KEY is "allowed" (wrangler.toml, for
// local/demo/test), the published DEMO key below signs: it is public knowledge, never a secret,
// and its kid says so. A deployment sets SEAL_SIGNING_KEY and SEAL_DEMO_KEY = "forbidden".
import { base64urlEncode } from "./detached-jws.ts";
import { HttpProblem } from "../../api/problem.ts";

export interface SealEnv {
  SEAL_SIGNING_KEY?: string;
  SEAL_RETIRED_KEYS?: string;
  SEAL_DEMO_KEY?: string;
}

export interface PublicJwk {
  kty: "OKP";
  crv: "Ed25519";
  x: string;
  kid: string;
  use: "sig";
  alg: "EdDSA";
}

/** Derived from a published phrase (sha-256 of "ledgerline demo seal key 2026 - public, not a secret"): demo only. */
export const DEMO_SEAL_JWK = {
  kty: "OKP",
  crv: "Ed25519",
  d: "tYOlg7io6h01sWKsBPR3sGQy1LT6pPv8UKxVQiGzz4w",
  x: "k8GhjHUQ-b9si-DXuNiorSllm9rSzo2dflgbauRuahk",
  kid: "ledgerline-demo-seal-2026",
} as const;

export interface SealKeyring {
  signing: { kid: string; privateKey: CryptoKey };
  /** kid → public key, the signing key's included. */
  verifying: Map<string, { jwk: PublicJwk; key: CryptoKey }>;
}

/** RFC 7638 thumbprint, the kid of a key that does not name itself. */
async function thumbprint(x: string): Promise<string> {
  const canonical = `{"crv":"Ed25519","kty":"OKP","x":"${x}"}`;
  return base64urlEncode(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(canonical))));
}

function parseJson(text: string, name: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpProblem(503, "seal_key_misconfigured", `${name} is not valid JSON`);
  }
}

const isEd25519 = (k: unknown): k is { kty: string; crv: string; x: string; d?: string; kid?: string } =>
  typeof k === "object" && k !== null && (k as { kty?: unknown }).kty === "OKP" && (k as { crv?: unknown }).crv === "Ed25519" && typeof (k as { x?: unknown }).x === "string";

async function publicEntry(jwk: { x: string; kid?: string }): Promise<{ jwk: PublicJwk; key: CryptoKey }> {
  const kid = jwk.kid ?? (await thumbprint(jwk.x));
  const pub: PublicJwk = { kty: "OKP", crv: "Ed25519", x: jwk.x, kid, use: "sig", alg: "EdDSA" };
  const key = await crypto.subtle.importKey("jwk", { kty: "OKP", crv: "Ed25519", x: jwk.x }, { name: "Ed25519" }, true, ["verify"]);
  return { jwk: pub, key };
}

async function loadKeyring(env: SealEnv): Promise<SealKeyring> {
  let signingJwk: { x: string; d?: string; kid?: string };
  if (env.SEAL_SIGNING_KEY) {
    const parsed = parseJson(env.SEAL_SIGNING_KEY, "SEAL_SIGNING_KEY");
    if (!isEd25519(parsed) || typeof parsed.d !== "string") throw new HttpProblem(503, "seal_key_misconfigured", "SEAL_SIGNING_KEY must be an Ed25519 private JWK");
    signingJwk = parsed;
  } else if (env.SEAL_DEMO_KEY === "allowed") {
    signingJwk = DEMO_SEAL_JWK;
  } else {
    throw new HttpProblem(503, "seal_key_unconfigured", "no seal signing key is configured");
  }
  const signingPublic = await publicEntry(signingJwk);
  const privateKey = await crypto.subtle.importKey("jwk", { kty: "OKP", crv: "Ed25519", x: signingJwk.x, d: signingJwk.d }, { name: "Ed25519" }, false, ["sign"]);
  const verifying = new Map([[signingPublic.jwk.kid, signingPublic]]);
  const retired = env.SEAL_RETIRED_KEYS ? parseJson(env.SEAL_RETIRED_KEYS, "SEAL_RETIRED_KEYS") : [];
  if (!Array.isArray(retired)) throw new HttpProblem(503, "seal_key_misconfigured", "SEAL_RETIRED_KEYS must be a JSON array of public JWKs");
  for (const jwk of retired) {
    if (!isEd25519(jwk)) throw new HttpProblem(503, "seal_key_misconfigured", "SEAL_RETIRED_KEYS holds a key that is not an Ed25519 JWK");
    const entry = await publicEntry(jwk);
    if (!verifying.has(entry.jwk.kid)) verifying.set(entry.jwk.kid, entry);
  }
  return { signing: { kid: signingPublic.jwk.kid, privateKey }, verifying };
}

// Imported keys are reused for as long as the isolate lives and the configuration is unchanged.
let cached: { config: string; keyring: Promise<SealKeyring> } | undefined;

export function sealKeyring(env: SealEnv): Promise<SealKeyring> {
  const config = `${env.SEAL_SIGNING_KEY ?? ""}\n${env.SEAL_RETIRED_KEYS ?? ""}\n${env.SEAL_DEMO_KEY ?? ""}`;
  if (cached?.config !== config) {
    const keyring = loadKeyring(env);
    cached = { config, keyring };
    keyring.catch(() => {
      if (cached?.keyring === keyring) cached = undefined;
    });
  }
  return cached.keyring;
}

export const sealEnv = (env: Env): SealEnv => env as unknown as SealEnv;
