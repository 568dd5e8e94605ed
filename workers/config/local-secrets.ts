// Secrets come only from Worker secrets (`wrangler secret put`). Cloudflare refuses a secret whose
// name is already a [vars] entry ("Binding name already in use"), so fake local credentials can't
// sit in wrangler.toml as vars to be "overridden" later. Instead each fallback lives here and is
// used only where it cannot reach anything real:
// - provider credentials: only while that provider's base URL is a loopback fake;
// - our own keys (ERP token encryption, BI URL signing): only while the var LOCAL_DEMO_SECRETS is
//   "allowed" (wrangler.toml, for npm start and the tests; a deployment sets "forbidden").

export const FAKE_XERO_CREDENTIALS = {
  clientId: "ledgerline-fake-xero-client",
  clientSecret: "fake-xero-client-secret-not-real",
  webhookKey: "fake-xero-webhook-key-not-real",
} as const;

/**
 * NetSuite (issue 8): the fake account's M2M setup. The private key is the fake certificate's
 * (ES256, PKCS#8 base64): public, local-only, accepted by nothing but scripts/fakes/netsuite.ts,
 * and used only while NETSUITE_BASE_URL is a loopback fake. A deployment sets NETSUITE_PRIVATE_KEY.
 */
export const FAKE_NETSUITE_CREDENTIALS = {
  accountId: "TSTDRV1234567",
  clientId: "ledgerline-fake-netsuite-client",
  certificateId: "fake-netsuite-cert-1",
  privateKeyPkcs8: "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgyyZQevEUyAiIIj84fx4HpVHuoR8tTJP/A9npE18TyL2hRANCAAQvqYH9qMitoOl2TxPjzFpQ+Uls6VxPjL0Vuzs7K7GOfZICo7pSo7/bfKVLA0e1xHjbndMx5j1yOmG10PLmgxbz",
};

/** The fake QBO's fixed credentials (scripts/fakes/qbo.ts): used only while QBO_BASE_URL is a loopback fake. */
export const FAKE_QBO_CREDENTIALS = {
  clientId: "ledgerline-fake-qbo-client",
  clientSecret: "fake-qbo-client-secret-not-real",
  webhookVerifier: "fake-qbo-webhook-verifier-not-real",
} as const;

/** Fixed, public, local-only keys: anything they protect is demo data. */
const LOCAL_DEMO_KEYS = {
  ERP_TOKEN_KEY: "ZmFrZS1sb2NhbC1lcnAtdG9rZW4ta2V5LW5vdC1yZWFs",
  BI_SIGNING_KEY: "fake-local-bi-signing-key-not-a-secret",
  // audit (issue 10): seals the franchises' witness push secrets at rest
  AUDIT_WITNESS_KEY: "fake-local-audit-witness-key-not-a-secret",
} as const;

export type LocalDemoKeyName = keyof typeof LOCAL_DEMO_KEYS;

export const isLoopbackUrl = (url: string | undefined): boolean => !!url && /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$)/.test(url);

/** The configured secret, or the fake's fixed credential while `providerUrl` is a local fake. */
export function providerSecret(value: string | undefined, providerUrl: string | undefined, fake: string): string | null {
  if (value) return value;
  return isLoopbackUrl(providerUrl) ? fake : null;
}

/** The configured secret, or the public demo key while local demo keys are allowed; else it throws. */
export function platformSecret(env: { LOCAL_DEMO_SECRETS?: string } & Partial<Record<LocalDemoKeyName, string>>, name: LocalDemoKeyName): string {
  const value = env[name];
  if (value) return value;
  if (env.LOCAL_DEMO_SECRETS === "allowed") return LOCAL_DEMO_KEYS[name];
  throw new Error(`${name} is not configured (wrangler secret put ${name})`);
}

/** Secrets are not [vars], so the generated Env doesn't list them. */
interface SecretBindings {
  XERO_CLIENT_ID?: string;
  XERO_CLIENT_SECRET?: string;
  XERO_WEBHOOK_KEY?: string;
  QBO_CLIENT_ID?: string;
  QBO_CLIENT_SECRET?: string;
  QBO_WEBHOOK_VERIFIER?: string;
  ERP_TOKEN_KEY?: string;
  BI_SIGNING_KEY?: string;
  NETSUITE_PRIVATE_KEY?: string;
  AUDIT_WITNESS_KEY?: string;
  LOCAL_DEMO_SECRETS?: string;
}

const secretsOf = (env: Env): SecretBindings => env as unknown as SecretBindings;

export function xeroClientCredentials(env: Env): { clientId: string; clientSecret: string } | null {
  const s = secretsOf(env);
  const clientId = providerSecret(s.XERO_CLIENT_ID, env.XERO_BASE_URL, FAKE_XERO_CREDENTIALS.clientId);
  const clientSecret = providerSecret(s.XERO_CLIENT_SECRET, env.XERO_BASE_URL, FAKE_XERO_CREDENTIALS.clientSecret);
  return clientId && clientSecret ? { clientId, clientSecret } : null;
}

/** Xero signs webhooks with this key; null = not configured, so every webhook is refused. */
export const xeroWebhookKey = (env: Env): string | null => providerSecret(secretsOf(env).XERO_WEBHOOK_KEY, env.XERO_BASE_URL, FAKE_XERO_CREDENTIALS.webhookKey);

/** The PKCS#8 (base64, or PEM) key that signs NetSuite client-credentials assertions; null = not configured. */
export const netsuitePrivateKey = (env: Env): string | null => providerSecret(secretsOf(env).NETSUITE_PRIVATE_KEY, (env as { NETSUITE_BASE_URL?: string }).NETSUITE_BASE_URL, FAKE_NETSUITE_CREDENTIALS.privateKeyPkcs8);

export function qboClientCredentials(env: Env): { clientId: string; clientSecret: string } | null {
  const s = secretsOf(env);
  const clientId = providerSecret(s.QBO_CLIENT_ID, env.QBO_BASE_URL, FAKE_QBO_CREDENTIALS.clientId);
  const clientSecret = providerSecret(s.QBO_CLIENT_SECRET, env.QBO_BASE_URL, FAKE_QBO_CREDENTIALS.clientSecret);
  return clientId && clientSecret ? { clientId, clientSecret } : null;
}

/** Intuit signs webhooks with the app's verifier token; null = not configured, so every webhook is refused. */
export const qboWebhookVerifier = (env: Env): string | null => providerSecret(secretsOf(env).QBO_WEBHOOK_VERIFIER, env.QBO_BASE_URL, FAKE_QBO_CREDENTIALS.webhookVerifier);

export const erpTokenKey = (env: Env): string => platformSecret(secretsOf(env), "ERP_TOKEN_KEY");

export const biSigningKey = (env: Env): string => platformSecret(secretsOf(env), "BI_SIGNING_KEY");

/** audit (issue 10): the key that seals witness push secrets at rest. */
export const auditWitnessKey = (env: Env): string => platformSecret(secretsOf(env), "AUDIT_WITNESS_KEY");
