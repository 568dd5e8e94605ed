// ErpConnection: one instance per ERP connection (named by its erc_ id). It is the only place
// that holds the connection's tokens (AES-GCM sealed in its storage), so Xero's rotating refresh
// token is refreshed by exactly one caller at a time: concurrent callers share one in-flight
// refresh, and the new pair is stored before anyone uses it. It also owns the connection's rate
// budget (Xero: 5 in flight, 60 per minute, 5,000 per day), so every consumer asks here for a
// permit instead of finding the limit with a 429. The provider (stored when authorization begins;
// "xero" for connections made before providers existed) picks the endpoints, credentials and
// limits; each provider's specifics live in its own module (QBO: workers/integrations/qbo/auth.ts).
import { DurableObject } from "cloudflare:workers";
import { base64url, sha256Hex } from "../workers/auth/secrets.ts";
import { adaptSlice, askPermit, NETSUITE_LIMITS, prune, XERO_LIMITS, type AdaptiveSlice, type BudgetState, type RateLimits } from "../workers/domain/erp/rate-budget.ts";
import { erpTokenKey, xeroClientCredentials } from "../workers/config/local-secrets.ts";
import { openJson, sealJson } from "../workers/integrations/erp/token-crypto.ts";
import { XERO_SCOPES, xeroEndpoints } from "../workers/integrations/xero/endpoints.ts";
import { requestNetSuiteToken, type NetSuiteSetup } from "../workers/integrations/netsuite/auth.ts";
import { qboLimits, qboOAuth, qboTenant, type ProviderOAuth } from "../workers/integrations/qbo/auth.ts";

interface TokenSet {
  accessToken: string;
  refreshToken: string;
  /** Epoch ms. */
  accessExpiresAt: number;
}

interface PendingAuthorization {
  connectionId: string;
  franchiseId: string;
  nonceHash: string;
  verifier: string;
  redirectUri: string;
  expiresAt: number;
}

export type TokenResult = { ok: true; accessToken: string } | { ok: false; reason: "reconnect_required" | "not_connected" | "refresh_failed"; message: string; fix?: string };
export type PermitResult = { granted: true; lease: number } | { granted: false; waitMs: number; reason: string };

/** Refresh this long before the access token expires, so a call never starts with a dying token. */
const REFRESH_MARGIN_MS = 60_000;
/** A permit not released within this time is given back (a consumer died mid-call). */
const LEASE_MS = 30_000;
/**
 * A granted call is logged this much later than the permit is given (at most 1/20 of the budget's
 * minute): the request reaches the ERP a little after the grant (token lookup, network), so the
 * ERP's rolling window frees its slot later than ours would, and without this margin we would
 * start a call the ERP still counts in the previous minute and get a 429 (and its pause) for it.
 */
const SEND_SKEW_MS = 250;
/** NetSuite tokens (60 min, no refresh token) are re-acquired this long before they expire. */
const NETSUITE_RENEW_MARGIN_MS = 5 * 60_000;

export class ErpConnection extends DurableObject<Env> {
  private refreshing: Promise<TokenResult> | null = null;
  private budget: BudgetState = { log: [], leases: [], pausedUntil: 0 };
  /** Each permit in flight → the time its call was logged at (moved later on release if it was sent later). */
  private loggedAt = new Map<number, number>();
  private loadedPause = false;
  /** Which ERP this connection is (stored when it begins; connections made before providers existed are Xero). */
  private providerId = "xero";
  /** NetSuite: our adaptive slice of the account's shared concurrency pool (shrinks on 429s). */
  private slice: AdaptiveSlice = { limit: NETSUITE_LIMITS.concurrent, successes: 0 };

  private get limits(): RateLimits {
    // NetSuite: the account's concurrency pool, a slice of it for us (workers/domain/erp/rate-budget.ts).
    if (this.providerId === "netsuite") return { ...NETSUITE_LIMITS, concurrent: this.slice.limit };
    if (this.providerId === "qbo") return qboLimits(this.env);
    const minuteMs = Number(this.env.XERO_MINUTE_MS);
    return { ...XERO_LIMITS, minuteMs: Number.isFinite(minuteMs) && minuteMs > 0 ? minuteMs : XERO_LIMITS.minuteMs };
  }

  private async provider(): Promise<string> {
    await this.loadProvider();
    return this.providerId;
  }

  private get endpoints() {
    return xeroEndpoints(this.env.XERO_BASE_URL);
  }

  /** The provider switch: where to send the admin and swap tokens, with which credentials. */
  private get oauth(): ProviderOAuth {
    if (this.providerId === "qbo") return qboOAuth(this.env);
    return { label: "Xero", authorize: this.endpoints.authorize, token: this.endpoints.token, scope: XERO_SCOPES, credentials: () => xeroClientCredentials(this.env) };
  }

  private async loadProvider(): Promise<void> {
    this.providerId = (await this.ctx.storage.get<string>("provider")) ?? "xero";
  }

  private async connectionId(): Promise<string> {
    const id = await this.ctx.storage.get<string>("connectionId");
    if (!id) throw new Error("ErpConnection used before authorization began");
    return id;
  }

  // ---- Authorization (OAuth 2.0 authorization code + PKCE) ---------------------------------

  /** Starts a connect: returns the URL to send the user to (state = "<connectionId>.<nonce>"). */
  async beginAuthorization(input: { connectionId: string; franchiseId: string; redirectUri: string; provider?: string }): Promise<{ authorizeUrl: string }> {
    this.providerId = input.provider ?? "xero";
    await this.ctx.storage.put("provider", this.providerId);
    const nonce = base64url(crypto.getRandomValues(new Uint8Array(24)));
    const verifier = base64url(crypto.getRandomValues(new Uint8Array(48)));
    const challenge = base64url(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))));
    const pending: PendingAuthorization = { connectionId: input.connectionId, franchiseId: input.franchiseId, redirectUri: input.redirectUri, nonceHash: await sha256Hex(nonce), verifier, expiresAt: Date.now() + 10 * 60_000 };
    await this.ctx.storage.put({ connectionId: input.connectionId, franchiseId: input.franchiseId, pending: await sealJson(erpTokenKey(this.env), input.connectionId, pending) });
    const url = new URL(this.oauth.authorize);
    url.search = new URLSearchParams({
      response_type: "code",
      client_id: this.clientCredentials().clientId,
      redirect_uri: input.redirectUri,
      scope: this.oauth.scope,
      state: `${input.connectionId}.${nonce}`,
      code_challenge: challenge,
      code_challenge_method: "S256",
    }).toString();
    return { authorizeUrl: url.toString() };
  }

  /** Finishes a connect from the callback: checks state, swaps the code (with the PKCE verifier) for tokens. */
  async completeAuthorization(input: { state: string; code: string; realmId?: string }): Promise<{ ok: true; franchiseId: string; connectionId: string; tenantId: string; tenantName: string } | { ok: false; message: string }> {
    const sealed = await this.ctx.storage.get<string>("pending");
    if (!sealed) return { ok: false, message: "no authorization is in progress for this connection" };
    await this.loadProvider();
    const connectionId = await this.connectionId();
    const pending = await openJson<PendingAuthorization>(erpTokenKey(this.env), connectionId, sealed);
    const nonce = input.state.split(".")[1] ?? "";
    if (pending.expiresAt < Date.now() || (await sha256Hex(nonce)) !== pending.nonceHash) return { ok: false, message: "the state parameter does not match the authorization in progress (expired or forged)" };
    await this.ctx.storage.delete("pending");
    const response = await this.tokenRequest({ grant_type: "authorization_code", code: input.code, redirect_uri: pending.redirectUri, code_verifier: pending.verifier });
    if (!response.ok) return { ok: false, message: `${this.oauth.label} refused the authorization code (${response.status})` };
    const tokens = await this.storeTokens((await response.json()) as TokenResponse);
    if (this.providerId === "qbo") {
      const company = await qboTenant(this.env, tokens.accessToken, input.realmId);
      if (!company) return { ok: false, message: "QuickBooks did not name a company this app can access (realmId missing or refused)" };
      await this.ctx.storage.put({ tenantId: company.tenantId, status: "connected" });
      return { ok: true, franchiseId: pending.franchiseId, connectionId, ...company };
    }
    const connections = await fetch(this.endpoints.connections, { headers: { authorization: `Bearer ${tokens.accessToken}` } });
    const orgs = connections.ok ? ((await connections.json()) as Array<{ tenantId: string; tenantName: string; tenantType: string }>) : [];
    const org = orgs.find((o) => o.tenantType === "ORGANISATION");
    if (!org) return { ok: false, message: "the Xero user has no organisation this app can access" };
    await this.ctx.storage.put({ tenantId: org.tenantId, status: "connected" });
    return { ok: true, franchiseId: pending.franchiseId, connectionId, tenantId: org.tenantId, tenantName: org.tenantName };
  }

  async disconnect(): Promise<void> {
    await this.ctx.storage.delete(["tokens", "pending"]);
    await this.ctx.storage.put("status", "disconnected");
  }

  // ---- Tokens ----------------------------------------------------------------------------

  /** A usable access token; refreshes (once, shared by every concurrent caller) when it is about to expire. */
  async accessToken(): Promise<TokenResult> {
    if ((await this.provider()) === "netsuite") return this.netsuiteAccessToken();
    const tokens = await this.tokens();
    if (!tokens) return { ok: false, reason: (await this.ctx.storage.get<string>("status")) === "reconnect_required" ? "reconnect_required" : "not_connected", message: "the connection has no tokens: connect or reconnect it" };
    if (tokens.accessExpiresAt - REFRESH_MARGIN_MS > Date.now()) return { ok: true, accessToken: tokens.accessToken };
    this.refreshing ??= this.refresh(tokens).finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  /** The ERP said this token expired (clock skew, revoked early): the next caller refreshes. Ignored for a token already replaced. */
  async tokenRejected(accessToken: string): Promise<void> {
    const tokens = await this.tokens();
    if (tokens && tokens.accessToken === accessToken) await this.saveTokens({ ...tokens, accessExpiresAt: 0 });
  }

  private async refresh(tokens: TokenSet): Promise<TokenResult> {
    await this.loadProvider();
    let response: Response;
    try {
      response = await this.tokenRequest({ grant_type: "refresh_token", refresh_token: tokens.refreshToken });
    } catch (e) {
      return { ok: false, reason: "refresh_failed", message: `could not reach ${this.oauth.label} identity: ${(e as Error).message}` };
    }
    if (response.ok) return { ok: true, accessToken: (await this.storeTokens((await response.json()) as TokenResponse)).accessToken };
    const body = await response.text();
    if (response.status === 400 && body.includes("invalid_grant")) {
      // The refresh token is dead (revoked, or unused for 60 days): only a person can reconnect.
      await this.ctx.storage.delete("tokens");
      await this.ctx.storage.put("status", "reconnect_required");
      return { ok: false, reason: "reconnect_required", message: `${this.oauth.label} rejected the refresh token (invalid_grant): reconnect ${this.oauth.label} under Integrations` };
    }
    return { ok: false, reason: "refresh_failed", message: `${this.oauth.label} identity answered ${response.status}` };
  }

  private clientCredentials(): { clientId: string; clientSecret: string } {
    const credentials = this.oauth.credentials();
    if (!credentials) throw new Error(`${this.oauth.label} client credentials are not configured (wrangler secret put ${this.providerId.toUpperCase()}_CLIENT_ID / ${this.providerId.toUpperCase()}_CLIENT_SECRET)`);
    return credentials;
  }

  private tokenRequest(form: Record<string, string>): Promise<Response> {
    return fetch(this.oauth.token, {
      method: "POST",
      headers: { authorization: `Basic ${btoa(`${this.clientCredentials().clientId}:${this.clientCredentials().clientSecret}`)}`, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form).toString(),
    });
  }

  private async storeTokens(response: TokenResponse): Promise<TokenSet> {
    const tokens: TokenSet = { accessToken: response.access_token, refreshToken: response.refresh_token, accessExpiresAt: Date.now() + response.expires_in * 1000 };
    await this.saveTokens(tokens);
    return tokens;
  }

  private async saveTokens(tokens: TokenSet): Promise<void> {
    await this.ctx.storage.put("tokens", await sealJson(erpTokenKey(this.env), await this.connectionId(), tokens));
  }

  private async tokens(): Promise<TokenSet | null> {
    const sealed = await this.ctx.storage.get<string>("tokens");
    return sealed ? openJson<TokenSet>(erpTokenKey(this.env), await this.connectionId(), sealed) : null;
  }

  // ---- NetSuite: client credentials with a JWT assertion (workers/integrations/netsuite/auth.ts) ----

  /** Connects directly (no consent screen): stores the account's M2M setup and proves it by getting a token. */
  async connectNetSuite(input: NetSuiteSetup & { connectionId: string; franchiseId: string }): Promise<{ ok: true } | { ok: false; message: string; fix: string }> {
    const setup: NetSuiteSetup = { accountId: input.accountId, clientId: input.clientId, certificateId: input.certificateId };
    await this.ctx.storage.delete("tokens");
    await this.ctx.storage.put({ connectionId: input.connectionId, franchiseId: input.franchiseId, provider: "netsuite", netsuite: setup, tenantId: input.accountId, status: "pending" });
    this.providerId = "netsuite";
    const token = await this.netsuiteAccessToken();
    return token.ok ? { ok: true } : { ok: false, message: token.message, fix: token.fix ?? "Check the NetSuite integration setup, then reconnect under Integrations." };
  }

  private async netsuiteAccessToken(): Promise<TokenResult> {
    const status = await this.ctx.storage.get<string>("status");
    if (status === "disconnected") return { ok: false, reason: "not_connected", message: "the NetSuite connection is disconnected: connect it again under Integrations" };
    const tokens = await this.tokens();
    if (tokens && tokens.accessExpiresAt - NETSUITE_RENEW_MARGIN_MS > Date.now()) return { ok: true, accessToken: tokens.accessToken };
    // Single flight: every caller waiting for a token shares one assertion and one token request.
    this.refreshing ??= this.acquireNetSuiteToken().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async acquireNetSuiteToken(): Promise<TokenResult> {
    const setup = await this.ctx.storage.get<NetSuiteSetup>("netsuite");
    if (!setup) return { ok: false, reason: "not_connected", message: "the connection has no NetSuite setup: connect it under Integrations" };
    const result = await requestNetSuiteToken(this.env, setup);
    if (result.ok) {
      await this.saveTokens({ accessToken: result.accessToken, refreshToken: "", accessExpiresAt: result.expiresAt });
      await this.ctx.storage.put("status", "connected");
      return { ok: true, accessToken: result.accessToken };
    }
    if (result.reason === "reconnect_required") {
      // The setup is wrong (certificate unmapped, key mismatch): tried again on the next call, so a
      // fix made in NetSuite takes effect on replay, but every record meanwhile shows the fix text.
      await this.ctx.storage.delete("tokens");
      await this.ctx.storage.put("status", "reconnect_required");
    }
    return { ok: false, reason: result.reason, message: result.message, fix: result.fix };
  }

  // ---- Rate budget -----------------------------------------------------------------------

  async acquire(): Promise<PermitResult> {
    await this.loadProvider();
    if (!this.loadedPause) {
      this.budget.pausedUntil = (await this.ctx.storage.get<number>("pausedUntil")) ?? 0;
      // The calls of the last minute, kept across an eviction (an idle DO while its callers
      // sleep out the minute): forgotten, the next minute's full burst would meet Xero's 429s.
      const recent = (await this.ctx.storage.get<number[]>("recentCalls")) ?? [];
      this.budget.log = [...recent.filter((t) => !this.budget.log.includes(t)), ...this.budget.log].sort((a, b) => a - b);
      this.loadedPause = true;
    }
    const now = Date.now();
    this.budget = prune(this.budget, now, this.limits);
    const permit = askPermit(this.budget, now, this.limits);
    if (!permit.granted) return permit;
    const lease = now + LEASE_MS + Math.random();
    const logged = now + this.sendSkewMs;
    this.budget.log.push(logged);
    this.budget.leases.push(lease);
    this.loggedAt.set(lease, logged);
    await this.saveRecentCalls(now);
    for (const [l] of this.loggedAt) if (l <= now) this.loggedAt.delete(l); // leases that were never released
    return { granted: true, lease };
  }

  /** Only the last minute's calls are kept (a put per call stays small); the day's count restarts with the object. */
  private async saveRecentCalls(now: number): Promise<void> {
    await this.ctx.storage.put("recentCalls", this.budget.log.filter((t) => t > now - this.limits.minuteMs));
  }

  private get sendSkewMs(): number {
    return Math.min(SEND_SKEW_MS, this.limits.minuteMs / 20);
  }

  /** Gives the permit back, with what the ERP said about its limits (429s pause the budget). */
  async release(lease: number, outcome: { status: number; retryAfterSeconds?: number; problem?: string | null; sentAt?: number }): Promise<void> {
    this.budget.leases = this.budget.leases.filter((l) => l !== lease);
    const logged = this.loggedAt.get(lease);
    this.loggedAt.delete(lease);
    // The call left later than its grant (a token lookup, a busy runtime): the ERP counts it from
    // then, so its slot frees later than we logged; left as logged, the slot would be given out
    // while the ERP still counts the call, and answered with a 429 (and a pause).
    if (logged !== undefined && outcome.sentAt !== undefined && outcome.sentAt + this.sendSkewMs > logged) {
      const index = this.budget.log.indexOf(logged);
      if (index >= 0) {
        this.budget.log.splice(index, 1);
        const later = outcome.sentAt + this.sendSkewMs;
        const at = this.budget.log.findIndex((t) => t > later);
        this.budget.log.splice(at < 0 ? this.budget.log.length : at, 0, later);
        await this.saveRecentCalls(Date.now());
      }
    }
    if (this.providerId === "netsuite") this.slice = adaptSlice(this.slice, NETSUITE_LIMITS.concurrent, outcome.status === 429 ? "limited" : outcome.status >= 200 && outcome.status < 300 ? "ok" : "other");
    if (outcome.status === 429 && outcome.problem !== "concurrent") {
      const until = Date.now() + (outcome.retryAfterSeconds ?? 60) * 1000;
      if (until > this.budget.pausedUntil) {
        this.budget.pausedUntil = until;
        await this.ctx.storage.put("pausedUntil", until);
      }
    }
  }

  async info(): Promise<{ status: string; tenantId: string | null; accessTokenExpiresAt: string | null; callsLastMinute: number; callsLastDay: number; pausedUntil: string | null; limits: RateLimits }> {
    const tokens = await this.tokens().catch(() => null);
    await this.loadProvider();
    const now = Date.now();
    this.budget = prune(this.budget, now, this.limits);
    return {
      status: (await this.ctx.storage.get<string>("status")) ?? "pending",
      tenantId: (await this.ctx.storage.get<string>("tenantId")) ?? null,
      accessTokenExpiresAt: tokens ? new Date(tokens.accessExpiresAt).toISOString() : null,
      callsLastMinute: this.budget.log.filter((t) => t > now - this.limits.minuteMs).length,
      callsLastDay: this.budget.log.length,
      pausedUntil: this.budget.pausedUntil > now ? new Date(this.budget.pausedUntil).toISOString() : null,
      limits: this.limits,
    };
  }
}

interface TokenResponse {
  access_token: string;
  refresh_token: string;
  expires_in: number;
}
