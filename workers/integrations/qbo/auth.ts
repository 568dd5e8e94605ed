// The QBO-specific parts of a connection's OAuth, used by the ErpConnection Durable Object's
// provider switch: Intuit's endpoints and scope, the app's credentials, the realm's limits, and
// the tenant. Intuit's callback carries the company (realmId) itself; its name comes from
// CompanyInfo. Intuit access tokens live 1 h; refresh tokens may rotate on any refresh, which
// the DO's single-flight refresh already makes safe.
import { qboClientCredentials } from "../../config/local-secrets.ts";
import { QBO_LIMITS, type RateLimits } from "../../domain/erp/rate-budget.ts";
import { QBO_MINOR_VERSION, QBO_SCOPES, qboEndpoints } from "./endpoints.ts";

export interface ProviderOAuth {
  label: string;
  authorize: string;
  token: string;
  scope: string;
  credentials(): { clientId: string; clientSecret: string } | null;
}

export function qboOAuth(env: Env): ProviderOAuth {
  const endpoints = qboEndpoints(env.QBO_BASE_URL);
  return { label: "QuickBooks", authorize: endpoints.authorize, token: endpoints.token, scope: QBO_SCOPES, credentials: () => qboClientCredentials(env) };
}

/** QBO's per-realm limits; the "minute" scales with QBO_MINUTE_MS like the fake's. */
export function qboLimits(env: Env): RateLimits {
  const minuteMs = Number(env.QBO_MINUTE_MS);
  return { ...QBO_LIMITS, minuteMs: Number.isFinite(minuteMs) && minuteMs > 0 ? minuteMs : QBO_LIMITS.minuteMs };
}

/** The company the admin connected: the callback's realmId, named by its CompanyInfo. */
export async function qboTenant(env: Env, accessToken: string, realmId: string | undefined): Promise<{ tenantId: string; tenantName: string } | null> {
  if (!realmId || !/^\d{1,32}$/.test(realmId)) return null;
  const response = await fetch(`${qboEndpoints(env.QBO_BASE_URL).company}/${realmId}/companyinfo/${realmId}?minorversion=${QBO_MINOR_VERSION}`, { headers: { authorization: `Bearer ${accessToken}`, accept: "application/json" } });
  if (!response.ok) return null;
  const info = ((await response.json()) as { CompanyInfo?: { CompanyName?: string } }).CompanyInfo;
  return { tenantId: realmId, tenantName: info?.CompanyName ?? `QuickBooks company ${realmId}` };
}
