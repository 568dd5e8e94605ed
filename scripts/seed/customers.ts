// Customers: who they are (segment, language, contact details, consent per channel) and, hidden,
// how they buy and pay (join month, churn month, main service, payment behaviour).
import { addDays } from "../../workers/domain/dates.ts";
import { CHURN_MIN_GAP, CHURN_MIN_TENURE, pickBehaviour, type Behaviour } from "./behaviour.ts";
import type { Segment, ServiceTypeSpec } from "./catalog.ts";
import { customerAddress } from "./addresses.ts";
import { companyName, personName, slug } from "./names.ts";
import type { Random } from "./random.ts";
import type { CustomerChannelRow, CustomerRow } from "./rows.ts";
import type { BranchContext, FranchiseContext } from "./setup.ts";
import { companyTaxId, spanishPersonalNif } from "./tax-ids.ts";
import { calendarMonthOf, firstDayOf, isoInstant, localTimeToUtcMs } from "./time.ts";
import type { DataWindow } from "./window.ts";

export interface CustomerPlan {
  /** Assigned once all customers are known, in order of creation. */
  id: string;
  franchise: FranchiseContext;
  branch: BranchContext;
  /** Order of creation within the franchise; ties in billing runs are broken by it. */
  ordinal: number;
  segment: Segment;
  behaviour: Behaviour;
  /** Window month index of the first invoice. */
  startMonth: number;
  /** Window month index after the last invoice (exclusive). */
  endMonth: number;
  /** True when the customer was already a customer when the window starts. */
  existing: boolean;
  /** Day of the month invoices are issued (1–5). */
  billingDay: number;
  primary: ServiceTypeSpec;
  /** Where in its segment's quantity range this customer's plan sits (0–1). */
  planSize: number;
  paymentMethod: string;
  /** Chronic late payers pay in a fortnightly run; this is its phase (0–13). */
  paydayPhase: number;
  createdMs: number;
  rng: Random;
  row: Omit<CustomerRow, "id">;
  channels: Array<Omit<CustomerChannelRow, "customer_id" | "franchise_id">>;
}

const OTHER_TIMEZONES: Record<string, readonly string[]> = {
  EUR: ["Europe/Paris", "Europe/Lisbon", "Atlantic/Canary"],
  GBP: ["Europe/Dublin", "Europe/Paris"],
  USD: ["America/Denver", "America/Phoenix", "Pacific/Honolulu"],
};

/** Weight of joining in window month `m`: growing over time, seasonal, with a launch push for new branches. */
function joinWeight(franchise: FranchiseContext, branch: BranchContext, window: DataWindow, m: number): number {
  const growth = 1 + (0.5 * m) / window.anchorIndex;
  const season = franchise.spec.joinSeasonality[calendarMonthOf(window.months[m]!) - 1]!;
  const launch = branch.openMonthIndex > 0 && m - branch.openMonthIndex < 3 ? 2.5 : 1;
  return growth * season * launch;
}

function pickStartMonth(rng: Random, franchise: FranchiseContext, branch: BranchContext, window: DataWindow): { start: number; existing: boolean } {
  if (branch.openMonthIndex === 0 && rng.chance(0.7)) return { start: 0, existing: true };
  const from = Math.max(1, branch.openMonthIndex);
  const last = Math.max(from, window.anchorIndex - 1);
  const options: Array<[number, number]> = [];
  for (let m = from; m <= last; m++) options.push([m, joinWeight(franchise, branch, window, m)]);
  return { start: rng.weighted(options), existing: false };
}

function pickPaymentMethod(rng: Random, segment: Segment): string {
  if (segment !== "consumer") return rng.weighted([["bank_transfer", 80], ["direct_debit", 20]]);
  return rng.weighted([["card", 45], ["direct_debit", 35], ["bank_transfer", 15], ["cash", 5]]);
}

function phoneNumber(rng: Random, branch: BranchContext): string {
  const prefix = rng.pick(branch.spec.phonePrefixes);
  // UK: Ofcom's drama range 07700 900000–900999; US: the fictional 555-0100–0199 block.
  if (branch.spec.currency === "GBP") return `${prefix}${String(rng.int(0, 999)).padStart(3, "0")}`;
  if (branch.spec.currency === "USD") return `${prefix}01${String(rng.int(0, 99)).padStart(2, "0")}`;
  return `${prefix}${String(rng.int(0, 999_999)).padStart(6, "0")}`;
}

function consentChannels(rng: Random, plan: Pick<CustomerPlan, "createdMs" | "branch">, email: string | null, phone: string | null, asOfMs: number): CustomerPlan["channels"] {
  const channels: CustomerPlan["channels"] = [];
  const whatsappConsent = plan.branch.spec.currency === "EUR" ? 0.65 : 0.35;
  const wanted: Array<[string, string | null, number]> = [["email", email, 0.85], ["sms", phone, 0.55], ["whatsapp", phone, whatsappConsent]];
  for (const [channel, address, consentRate] of wanted) {
    if (address === null) continue;
    const consentMs = plan.createdMs + rng.int(0, 3 * 86_400) * 1000;
    const granted = rng.chance(consentRate) && consentMs <= asOfMs;
    let optedOutMs: number | null = null;
    if (granted && rng.chance(0.05)) {
      const candidate = consentMs + rng.int(30, 900) * 86_400_000 + rng.int(0, 86_399) * 1000;
      if (candidate <= asOfMs) optedOutMs = candidate;
    }
    channels.push({
      channel,
      address,
      consent: granted ? "granted" : "not_given",
      consent_at: granted ? isoInstant(consentMs) : null,
      opted_out_at: optedOutMs === null ? null : isoInstant(optedOutMs),
      updated_at: isoInstant(optedOutMs ?? (granted ? consentMs : plan.createdMs)),
    });
  }
  return channels;
}

export function planCustomer(franchise: FranchiseContext, ordinal: number, window: DataWindow, rng: Random): CustomerPlan {
  const spec = franchise.spec;
  const branch = rng.weighted(franchise.branches.map((b) => [b, b.spec.weight] as const));
  const segment = rng.weighted(spec.segmentMix);
  const language = rng.weighted(branch.spec.languages);
  const timezone = rng.chance(0.04) ? rng.pick(OTHER_TIMEZONES[branch.spec.currency]!) : branch.spec.timezone;
  const { start, existing } = pickStartMonth(rng, franchise, branch, window);
  const behaviour = pickBehaviour(rng, segment, start, window.anchorIndex);
  const endMonth = behaviour === "churner" ? rng.int(start + CHURN_MIN_TENURE, window.anchorIndex - CHURN_MIN_GAP) : window.anchorIndex + 1;
  const billingDay = rng.weighted([[1, 50], [2, 15], [3, 15], [4, 10], [5, 10]] as const);
  const primary = rng.weighted(spec.serviceTypes.map((st) => [st, st.primaryWeight[segment]] as const));

  // Existing customers signed up before the window; new ones a few days before their first invoice.
  const joinedOn = existing ? addDays(window.startDate, -rng.int(5, 700)) : addDays(firstDayOf(window.months[start]!), billingDay - 1 - rng.int(1, 12));
  const createdOn = joinedOn < window.asOfDate ? joinedOn : addDays(window.asOfDate, -1);
  const createdMs = localTimeToUtcMs(createdOn, rng.int(9 * 60, 19 * 60), branch.spec.timezone) + rng.int(0, 59) * 1000;

  const currency = branch.spec.currency;
  let name: string;
  let email: string | null;
  let taxId: string | null = null;
  if (segment === "consumer") {
    const person = personName(rng, language, currency);
    name = person.full;
    email = rng.chance(0.95) ? `${slug(person.first)}.${slug(person.last)}.${ordinal}@${rng.pick(["example.com", "example.net", "example.org"])}` : null;
    if (currency === "EUR" && rng.chance(0.3)) taxId = spanishPersonalNif(rng);
  } else {
    name = companyName(rng, segment, currency);
    email = `${rng.pick(["accounts", "billing", "finance", "ap"])}@${slug(name).slice(0, 40)}-${ordinal}.example`;
    if (currency === "EUR" || rng.chance(0.6)) taxId = companyTaxId(rng, branch.spec.taxIdKind, segment === "enterprise" ? "A" : "B", rng.pick(["28", "08", "46", "41", "48"]));
  }
  const phone = rng.chance(segment === "consumer" ? 0.92 : 0.98) ? phoneNumber(rng, branch) : null;
  const createdAt = isoInstant(createdMs);
  const plan: CustomerPlan = {
    id: "",
    franchise,
    branch,
    ordinal,
    segment,
    behaviour,
    startMonth: start,
    endMonth,
    existing,
    billingDay,
    primary,
    planSize: rng.next(),
    paymentMethod: pickPaymentMethod(rng, segment),
    paydayPhase: rng.int(0, 13),
    createdMs,
    rng,
    row: {
      franchise_id: franchise.row.id,
      home_branch_id: branch.row.id,
      external_ref: `${spec.key.slice(0, 2).toUpperCase()}-${String(100_000 + ordinal)}`,
      name,
      email,
      phone,
      segment,
      language,
      timezone,
      tax_id: taxId,
      address: JSON.stringify(customerAddress(rng.derive("address"), branch.spec)),
      status: "active",
      version: 1,
      created_at: createdAt,
      updated_at: createdAt,
    },
    channels: [],
  };
  plan.channels = consentChannels(rng, plan, email, phone, Date.parse(`${window.asOfDate}T00:00:00.000Z`));
  return plan;
}
