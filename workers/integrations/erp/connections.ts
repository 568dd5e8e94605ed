// Connecting a franchise to Xero: create the connection, send the admin to Xero's consent screen
// (authorization code + PKCE, state bound to the connection), finish on the callback, disconnect.
// The tokens never leave the connection's ErpConnection Durable Object.
import { database } from "../../db/client.ts";
import { getConnection, insertConnection, listConnections, updateConnection, type ErpConnectionRow } from "../../db/erp.ts";
import { newId } from "../../db/ids.ts";
import { franchiseDatabase } from "../../db/resolver.ts";
import { conflict, notFound } from "../../domain/errors.ts";
import type { BillingContext } from "../../billing/context.ts";
import { connectionStub } from "../xero/client.ts";
import type { ErpProviderId } from "./connectors.ts";
import { resendWaiting } from "./resend-waiting.ts";
import type { ContactOwner } from "../../domain/erp/three-way.ts";

export const OAUTH_CALLBACK_PATH = "/oauth/xero/callback";
/** Each provider returns the admin to its own callback (QBO's adds the realmId). */
export const oauthCallbackPath = (provider: ErpProviderId) => (provider === "xero" ? OAUTH_CALLBACK_PATH : `/oauth/${provider}/callback`);

export async function startConnection(ctx: BillingContext, input: { provider: ErpProviderId; origin: string; connectionId?: string }): Promise<{ connection: ErpConnectionRow; authorizeUrl: string }> {
  const existing = (await listConnections(ctx.db, ctx.franchiseId)).find((c) => c.provider === input.provider && c.status !== "disconnected");
  if (existing?.status === "connected") throw conflict("erp_already_connected", `this franchise is already connected to ${input.provider} (${existing.id}); disconnect it first`);
  const now = ctx.clock.now().toISOString();
  const connection: ErpConnectionRow = existing ?? {
    id: newId("erc"), franchiseId: ctx.franchiseId, provider: input.provider, status: "pending", remoteTenantId: null, remoteTenantName: null,
    alerting: "{}", contactOwner: "review", lastSyncedAt: null, lastPolledAt: null, createdAt: now, updatedAt: now,
  };
  if (!existing) await insertConnection(ctx.db, connection);
  const { authorizeUrl } = await connectionStub(ctx.env, connection.id).beginAuthorization({ connectionId: connection.id, franchiseId: ctx.franchiseId, redirectUri: `${input.origin}${oauthCallbackPath(input.provider)}`, provider: input.provider });
  return { connection, authorizeUrl };
}

/** The callback: the state names the connection; its DO checks the nonce and swaps the code. */
export async function completeConnection(env: Env, input: { state: string; code: string; realmId?: string }): Promise<{ ok: true; connectionId: string } | { ok: false; message: string }> {
  const connectionId = input.state.split(".")[0] ?? "";
  if (!/^erc_[0-9a-z]{26}$/.test(connectionId)) return { ok: false, message: "the state parameter does not name a connection" };
  const result = await connectionStub(env, connectionId).completeAuthorization(input);
  if (!result.ok) return result;
  const db = database(franchiseDatabase(env, result.franchiseId));
  const before = await getConnection(db, result.franchiseId, connectionId);
  await updateConnection(db, result.franchiseId, connectionId, { status: "connected", remoteTenantId: result.tenantId, remoteTenantName: result.tenantName, updatedAt: new Date().toISOString() });
  // A reconnect after the ERP refused our tokens: what waited for it goes again.
  if (before?.status === "reconnect_required") await resendWaiting(env, db, result.franchiseId, connectionId);
  return { ok: true, connectionId };
}

export async function disconnect(ctx: BillingContext, id: string): Promise<ErpConnectionRow> {
  const connection = await getConnection(ctx.db, ctx.franchiseId, id);
  if (!connection) throw notFound("integration", id);
  await connectionStub(ctx.env, id).disconnect();
  await updateConnection(ctx.db, ctx.franchiseId, id, { status: "disconnected", updatedAt: ctx.clock.now().toISOString() });
  return { ...connection, status: "disconnected" };
}

export async function loadConnection(ctx: BillingContext, id: string): Promise<ErpConnectionRow> {
  const connection = await getConnection(ctx.db, ctx.franchiseId, id);
  if (!connection) throw notFound("integration", id);
  return connection;
}

/** Who wins when a contact is edited in the ERP: "erp" applies it, "ledgerline" ignores it, "review" asks a person. */
export async function setContactOwner(ctx: BillingContext, id: string, contactOwner: ContactOwner): Promise<ErpConnectionRow> {
  const connection = await loadConnection(ctx, id);
  const updatedAt = ctx.clock.now().toISOString();
  await updateConnection(ctx.db, ctx.franchiseId, id, { contactOwner, updatedAt });
  return { ...connection, contactOwner, updatedAt };
}
