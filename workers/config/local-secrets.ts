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
  ERP_TOKEN_KEY?: string;
  BI_SIGNING_KEY?: string;
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

export const erpTokenKey = (env: Env): string => platformSecret(secretsOf(env), "ERP_TOKEN_KEY");

export const biSigningKey = (env: Env): string => platformSecret(secretsOf(env), "BI_SIGNING_KEY");

/** audit (issue 10): the key that seals witness push secrets at rest. */
export const auditWitnessKey = (env: Env): string => platformSecret(secretsOf(env), "AUDIT_WITNESS_KEY");
