// Tax-rate updates (issue 10): the daily sync stages what the feed has and the table lacks; a
// staff admin approves (applied to the table, recorded in the audit log of every franchise
// invoicing there) or rejects it; alerts name what needs attention soon. Invoices are never
// touched: issued ones keep the rate on their lines, drafts are re-priced when they are issued.
//
// Rates are shared reference data, but a franchise's admin sees, approves and rejects only the
// changes for jurisdictions its own branches invoice under (another jurisdiction's change is "not
// found"), and its alerts cover only its own branches. An approval applies for every franchise
// invoicing there and is recorded in each of their audit logs, with the approver as actor.
import { addDays, daysBetween } from "../domain/dates.ts";
import { conflict, notFound } from "../domain/errors.ts";
import { changeFingerprint, diffFeed, planRateChange, rateAlerts, type RateAlert, type RateChange } from "../domain/tax-periods.ts";
import { isBatchAssertionFailure, runBatch } from "../db/batch.ts";
import { database, type Db } from "../db/client.ts";
import { directoryDatabase, franchiseDatabase, tenantDatabases } from "../db/resolver.ts";
import {
  applyStatements,
  franchiseJurisdictions,
  franchisesInvoicingIn,
  franchisesWithBranches,
  getChange,
  listChanges,
  listTaxRates,
  rateChain,
  ratesInUse,
  rejectStatements,
  stageStatements,
  type TaxRateChangeRow,
} from "../db/tax-rate-changes.ts";
import type { Logger } from "../observability/logger.ts";
import { fetchFeed } from "./feed.ts";
import { fetchTedb, TEDB_DEFAULT_URL } from "./tedb.ts";

export const TAX_RATE_SYNC_CRON = "45 4 * * *";
export const DEFAULT_ALERT_DAYS = 30;

const utcDay = (now: Date) => now.toISOString().slice(0, 10);
const directory = (env: Env): Db => database(directoryDatabase(env));

export function alertDays(env: Env): number {
  const n = Number(env.TAX_RATE_ALERT_DAYS);
  return Number.isInteger(n) && n >= 0 && n <= 366 ? n : DEFAULT_ALERT_DAYS;
}

export interface SyncResult {
  feed: string | null;
  staged: number;
  alerts: RateAlert[];
}

/** How far ahead TEDB is asked for (rates announced early apply automatically from their date). */
const TEDB_LOOKAHEAD_DAYS = 366;

/**
 * The deployment's rate source (TAX_RATE_SOURCE): "feed" (default) reads the ledgerline-tax-rates/1
 * feed at TAX_RATE_FEED_URL; "tedb" asks the European Commission's TEDB (TEDB_URL) for the standard
 * rates of the EU jurisdictions the table holds, from today to a year ahead.
 */
async function readSource(env: Env, db: Db, today: string, fetcher: typeof fetch): Promise<{ label: string; feed: { publisher: string; rates: RateChange[] } } | null> {
  if (String(env.TAX_RATE_SOURCE ?? "feed") === "tedb") {
    const url = String(env.TEDB_URL || TEDB_DEFAULT_URL);
    const jurisdictions = [...new Set((await listTaxRates(db)).map((r) => r.jurisdiction))];
    return { label: url, feed: await fetchTedb(url, jurisdictions, today, addDays(today, TEDB_LOOKAHEAD_DAYS), fetcher) };
  }
  const url = String(env.TAX_RATE_FEED_URL ?? "");
  if (url === "") return null;
  return { label: url, feed: await fetchFeed(url.endsWith(".json") ? url : `${url.replace(/\/$/, "")}/rates.json`, fetcher) };
}

/** Fetches the configured source (if any), stages its new periods, and returns the current alerts. */
/** `opts.franchiseId`: the alerts returned are that franchise's (the API); without it, every franchise's (the cron). */
export async function syncTaxRates(env: Env, logger: Logger, now: Date, opts: { fetcher?: typeof fetch; keepGoing?: boolean; franchiseId?: string } = {}): Promise<SyncResult> {
  const db = directory(env);
  let staged = 0;
  let url = "";
  const fetcher = opts.fetcher ?? fetch;
  try {
    const source = await readSource(env, db, utcDay(now), fetcher);
    if (source) {
      url = source.label;
      const { feed } = source;
      const today = utcDay(now);
      const news = diffFeed(await listTaxRates(db), feed.rates, today).map((c) => ({ ...c, fingerprint: changeFingerprint(c) }));
      const before = (await listChanges(db, { statuses: ["pending"], limit: 10_000 })).length;
      await runBatch(db, stageStatements(db, news, feed.publisher, now.toISOString()));
      staged = (await listChanges(db, { statuses: ["pending"], limit: 10_000 })).length - before;
    }
  } catch (error) {
    // The daily job still raises its alerts when the feed is down or malformed.
    if (!opts.keepGoing) throw error;
    logger.error("tax-rate feed not read", { feed: url, error: (error as Error).message });
  }
  const alerts = opts.franchiseId ? await taxRateAlerts(env, opts.franchiseId, now) : await allFranchiseAlerts(env, now);
  for (const a of alerts) logger.warn("tax rate needs attention", { ...a });
  logger.info("tax-rate sync", { feed: url === "" ? null : url, staged, alerts: alerts.length });
  return { feed: url === "" ? null : url, staged, alerts };
}

const jurisdictionsOf = (env: Env, franchiseId: string) => franchiseJurisdictions(database(franchiseDatabase(env, franchiseId)), franchiseId);

/** A change the franchise may decide: one in a jurisdiction it invoices under. */
async function changeFor(env: Env, franchiseId: string, id: string): Promise<TaxRateChangeRow> {
  const change = await getChange(directory(env), id);
  if (!change || !(await jurisdictionsOf(env, franchiseId)).includes(change.jurisdiction)) throw notFound("tax_rate_change", id);
  return change;
}

export async function taxRateAlerts(env: Env, franchiseId: string, now: Date): Promise<RateAlert[]> {
  const db = directory(env);
  const today = utcDay(now);
  const pending = await listChanges(db, { statuses: ["pending"], limit: 10_000, jurisdictions: await jurisdictionsOf(env, franchiseId) });
  const inUse = await ratesInUse(database(franchiseDatabase(env, franchiseId)), franchiseId);
  return rateAlerts({ table: await listTaxRates(db), pending, inUse, today, horizon: addDays(today, alertDays(env)), daysUntil: (d) => daysBetween(today, d) });
}

/** The cron's view: alerts over every franchise's branches, each alert once. */
async function allFranchiseAlerts(env: Env, now: Date): Promise<RateAlert[]> {
  const franchiseIds = new Set<string>();
  for (const d1 of tenantDatabases(env)) for (const f of await franchisesWithBranches(database(d1))) franchiseIds.add(f);
  const seen = new Map<string, RateAlert>();
  for (const f of franchiseIds) for (const a of await taxRateAlerts(env, f, now)) seen.set(JSON.stringify(a), a);
  return [...seen.values()];
}

export async function listTaxRateChanges(env: Env, franchiseId: string, statuses: ("pending" | "approved" | "rejected")[], limit: number): Promise<TaxRateChangeRow[]> {
  return listChanges(directory(env), { statuses, limit, jurisdictions: await jurisdictionsOf(env, franchiseId) });
}

/** Applies a pending change to the rate table in one batch, with its audit events. */
export async function approveTaxRateChange(env: Env, franchiseId: string, id: string, actor: string, now: Date): Promise<TaxRateChangeRow> {
  const db = directory(env);
  const change = await changeFor(env, franchiseId, id);
  if (change.status !== "pending") throw conflict("tax_rate_change_decided", `the change is already ${change.status}`);
  const plan = planRateChange(await rateChain(db, change.jurisdiction, change.category), change, utcDay(now));
  try {
    await runBatch(
      db,
      applyStatements(db, { change, plan, actor, now: now.toISOString(), franchiseIds: await franchisesInvoicingIn(db, change.jurisdiction) }),
    );
  } catch (error) {
    if (isBatchAssertionFailure(error)) throw conflict("tax_rate_change_decided", "the change was decided meanwhile; read it again");
    if (error instanceof Error && /tax_rate_period_(overlap|gap|empty)/.test(error.message))
      throw conflict("tax_rate_change_conflicts", "the rate table changed meanwhile; the change no longer fits it");
    throw error;
  }
  return (await getChange(db, id))!;
}

export async function rejectTaxRateChange(env: Env, franchiseId: string, id: string, actor: string, reason: string, now: Date): Promise<TaxRateChangeRow> {
  const db = directory(env);
  const change = await changeFor(env, franchiseId, id);
  if (change.status !== "pending") throw conflict("tax_rate_change_decided", `the change is already ${change.status}`);
  try {
    await runBatch(db, rejectStatements(db, id, actor, reason, now.toISOString()));
  } catch (error) {
    if (isBatchAssertionFailure(error)) throw conflict("tax_rate_change_decided", "the change was decided meanwhile; read it again");
    throw error;
  }
  return (await getChange(db, id))!;
}
