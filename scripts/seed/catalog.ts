// The demo franchises: their branches, what they sell, at what prices, and how demand moves
// through the year. Everything here is made up except timezones, currencies and jurisdictions.
import type { PostalAddress } from "../../workers/domain/postal-address.ts";
import type { TaxCategory } from "../../workers/domain/tax.ts";

export type Segment = "consumer" | "smb" | "enterprise";
export type Currency = "EUR" | "GBP" | "USD";
export type TaxIdKind = "ES" | "GB" | "US";

export interface ServiceTypeSpec {
  code: string;
  name: string;
  /** Shown on invoice lines: "Regular home cleaning (hours)". */
  unit: string;
  taxCategory: TaxCategory;
  costRateBps: number;
  /** Unit price in minor units before branch price level and yearly increases. */
  price: Record<Currency, number>;
  /** Quantity range per month and segment, in units; `step` is the smallest increment. */
  quantity: Record<Segment, readonly [number, number]>;
  step: number;
  /** Whether quantity follows the franchise's seasonality. */
  seasonal: boolean;
  /** Weight as a customer's main (recurring) service, per segment. */
  primaryWeight: Record<Segment, number>;
  /** Weight as an occasional extra line, per calendar month (index 0 = January). */
  extraWeight: readonly number[];
}

export interface BranchSpec {
  code: string;
  name: string;
  city: string;
  address: PostalAddress;
  timezone: string;
  currency: Currency;
  jurisdiction: string;
  taxIdKind: TaxIdKind;
  /** Spanish province code, the first two digits of local company tax ids. */
  provinceCode?: string;
  /** Price multiplier for the local market. */
  priceLevel: number;
  /** Share of the franchise's customers. */
  weight: number;
  /** Opens during the data window at this fraction of it (null: open before the window). */
  opensAt: number | null;
  /** Mobile prefixes for fictional phone numbers. */
  phonePrefixes: readonly string[];
  /** Languages spoken by customers, with weights. */
  languages: ReadonlyArray<readonly [string, number]>;
}

export interface FranchiseSpec {
  key: string;
  name: string;
  domain: string;
  /** Demand multiplier per calendar month (index 0 = January). */
  seasonality: readonly number[];
  /** Yearly price increase applied every January, in basis points. */
  yearlyPriceIncreaseBps: number;
  segmentMix: ReadonlyArray<readonly [Segment, number]>;
  /** Extra weight on joining in each calendar month (January resolutions, spring cleaning). */
  joinSeasonality: readonly number[];
  /** Probability of an extra line in a month at seasonality 1. */
  extraLineChance: number;
  branches: readonly BranchSpec[];
  serviceTypes: readonly ServiceTypeSpec[];
}

const flat = (w: number): number[] => Array.from({ length: 12 }, () => w);
const ES_LANGS = [["es", 90], ["en", 5], ["fr", 2], ["de", 3]] as const;
const BCN_LANGS = [["es", 62], ["ca", 30], ["en", 5], ["fr", 3]] as const;
const GB_LANGS = [["en", 92], ["pl", 5], ["fr", 3]] as const;
const US_LANGS = [["en", 84], ["es", 13], ["zh", 3]] as const;

const HOME: FranchiseSpec = {
  key: "brightnest",
  name: "BrightNest Home Services",
  domain: "brightnest",
  // Summer peak: air conditioning, gardens and move-outs.
  seasonality: [0.78, 0.8, 0.9, 1.0, 1.1, 1.22, 1.3, 1.25, 1.08, 0.95, 0.85, 0.9],
  yearlyPriceIncreaseBps: 350,
  segmentMix: [["consumer", 68], ["smb", 26], ["enterprise", 6]],
  joinSeasonality: [0.9, 0.9, 1.3, 1.4, 1.3, 1.1, 1.0, 0.9, 1.0, 0.9, 0.7, 0.6],
  extraLineChance: 0.22,
  branches: [
    { code: "MAD1", name: "BrightNest Madrid Centro", city: "Madrid", address: { line1: "Calle de Alcalá 120", city: "Madrid", postalCode: "28009", region: "Madrid", countryCode: "ES" }, timezone: "Europe/Madrid", currency: "EUR", jurisdiction: "ES", taxIdKind: "ES", provinceCode: "28", priceLevel: 1.0, weight: 18, opensAt: null, phonePrefixes: ["+34600"], languages: ES_LANGS },
    { code: "BCN1", name: "BrightNest Barcelona Eixample", city: "Barcelona", address: { line1: "Carrer de Mallorca 245", city: "Barcelona", postalCode: "08008", region: "Cataluña", countryCode: "ES" }, timezone: "Europe/Madrid", currency: "EUR", jurisdiction: "ES", taxIdKind: "ES", provinceCode: "08", priceLevel: 1.06, weight: 12, opensAt: 0.3, phonePrefixes: ["+34601"], languages: BCN_LANGS },
    { code: "LON1", name: "BrightNest London South", city: "London", address: { line1: "48 Clapham High Street", city: "London", postalCode: "SW4 7UR", countryCode: "GB" }, timezone: "Europe/London", currency: "GBP", jurisdiction: "GB", taxIdKind: "GB", priceLevel: 1.15, weight: 17, opensAt: null, phonePrefixes: ["+447700900"], languages: GB_LANGS },
    { code: "MAN1", name: "BrightNest Manchester", city: "Manchester", address: { line1: "12 Oldham Street", city: "Manchester", postalCode: "M1 1JQ", countryCode: "GB" }, timezone: "Europe/London", currency: "GBP", jurisdiction: "GB", taxIdKind: "GB", priceLevel: 0.92, weight: 11, opensAt: null, phonePrefixes: ["+447700900"], languages: GB_LANGS },
    { code: "NYC1", name: "BrightNest Brooklyn", city: "New York", address: { line1: "310 Atlantic Avenue", city: "Brooklyn", postalCode: "11201", region: "NY", countryCode: "US" }, timezone: "America/New_York", currency: "USD", jurisdiction: "US-NY", taxIdKind: "US", priceLevel: 1.2, weight: 16, opensAt: null, phonePrefixes: ["+1718555", "+1347555"], languages: US_LANGS },
    { code: "CHI1", name: "BrightNest Chicago North", city: "Chicago", address: { line1: "2150 N Lincoln Avenue", city: "Chicago", postalCode: "60614", region: "IL", countryCode: "US" }, timezone: "America/Chicago", currency: "USD", jurisdiction: "US-IL", taxIdKind: "US", priceLevel: 0.95, weight: 13, opensAt: null, phonePrefixes: ["+1312555", "+1773555"], languages: US_LANGS },
    { code: "LAX1", name: "BrightNest Los Angeles West", city: "Los Angeles", address: { line1: "11800 W Pico Boulevard", city: "Los Angeles", postalCode: "90064", region: "CA", countryCode: "US" }, timezone: "America/Los_Angeles", currency: "USD", jurisdiction: "US-CA", taxIdKind: "US", priceLevel: 1.1, weight: 13, opensAt: null, phonePrefixes: ["+1310555", "+1323555"], languages: US_LANGS },
  ],
  serviceTypes: [
    {
      code: "CLEAN", name: "Regular home cleaning", unit: "hours", taxCategory: "standard", costRateBps: 6200,
      price: { EUR: 1650, GBP: 1800, USD: 3500 }, step: 0.5, seasonal: false,
      quantity: { consumer: [6, 16], smb: [20, 60], enterprise: [120, 320] },
      primaryWeight: { consumer: 60, smb: 70, enterprise: 80 }, extraWeight: flat(0),
    },
    {
      code: "DEEP", name: "Deep cleaning", unit: "visits", taxCategory: "standard", costRateBps: 5300,
      price: { EUR: 18000, GBP: 22000, USD: 32000 }, step: 1, seasonal: false,
      quantity: { consumer: [1, 1], smb: [1, 2], enterprise: [2, 6] },
      primaryWeight: { consumer: 0, smb: 0, enterprise: 0 }, extraWeight: [1, 1, 3, 4, 3, 2, 2, 2, 2, 2, 2, 4],
    },
    {
      code: "HVAC", name: "Heating and air-conditioning service", unit: "visits", taxCategory: "standard", costRateBps: 4100,
      price: { EUR: 9500, GBP: 11000, USD: 16900 }, step: 1, seasonal: true,
      quantity: { consumer: [1, 2], smb: [2, 6], enterprise: [6, 24] },
      primaryWeight: { consumer: 10, smb: 20, enterprise: 20 }, extraWeight: [3, 2, 1, 1, 2, 5, 7, 6, 2, 2, 3, 4],
    },
    {
      code: "GARDEN", name: "Garden maintenance", unit: "hours", taxCategory: "standard", costRateBps: 4800,
      price: { EUR: 2200, GBP: 2500, USD: 4500 }, step: 0.5, seasonal: true,
      quantity: { consumer: [3, 10], smb: [8, 30], enterprise: [30, 90] },
      primaryWeight: { consumer: 15, smb: 10, enterprise: 0 }, extraWeight: [0, 0, 2, 4, 5, 5, 4, 4, 3, 2, 1, 0],
    },
    {
      code: "REPAIR", name: "Home repairs", unit: "hours", taxCategory: "reduced", costRateBps: 6700,
      price: { EUR: 3800, GBP: 4500, USD: 8500 }, step: 0.5, seasonal: false,
      quantity: { consumer: [1, 6], smb: [2, 12], enterprise: [8, 40] },
      primaryWeight: { consumer: 0, smb: 0, enterprise: 0 }, extraWeight: flat(2),
    },
    {
      code: "CARE", name: "Home care visits", unit: "hours", taxCategory: "exempt", costRateBps: 7600,
      price: { EUR: 1900, GBP: 2400, USD: 3200 }, step: 0.5, seasonal: false,
      quantity: { consumer: [10, 40], smb: [10, 20], enterprise: [10, 20] },
      primaryWeight: { consumer: 15, smb: 0, enterprise: 0 }, extraWeight: flat(0),
    },
  ],
};

const FITNESS: FranchiseSpec = {
  key: "pulsefit",
  name: "PulseFit Studios",
  domain: "pulsefit",
  // January peak (resolutions), summer dip, September back-to-routine bump.
  seasonality: [1.45, 1.2, 1.08, 1.0, 0.98, 0.92, 0.8, 0.76, 1.12, 1.02, 0.95, 0.82],
  yearlyPriceIncreaseBps: 450,
  segmentMix: [["consumer", 86], ["smb", 11], ["enterprise", 3]],
  joinSeasonality: [3.0, 1.5, 1.1, 1.0, 1.0, 0.8, 0.6, 0.6, 1.6, 1.1, 0.8, 0.5],
  extraLineChance: 0.24,
  branches: [
    { code: "MAD1", name: "PulseFit Madrid Chamberí", city: "Madrid", address: { line1: "Calle de Fuencarral 150", city: "Madrid", postalCode: "28010", region: "Madrid", countryCode: "ES" }, timezone: "Europe/Madrid", currency: "EUR", jurisdiction: "ES", taxIdKind: "ES", provinceCode: "28", priceLevel: 1.0, weight: 24, opensAt: null, phonePrefixes: ["+34602"], languages: ES_LANGS },
    { code: "LON1", name: "PulseFit London Shoreditch", city: "London", address: { line1: "101 Great Eastern Street", city: "London", postalCode: "EC2A 3JD", countryCode: "GB" }, timezone: "Europe/London", currency: "GBP", jurisdiction: "GB", taxIdKind: "GB", priceLevel: 1.2, weight: 22, opensAt: null, phonePrefixes: ["+447700900"], languages: GB_LANGS },
    { code: "BRS1", name: "PulseFit Bristol Harbourside", city: "Bristol", address: { line1: "5 Canons Road", city: "Bristol", postalCode: "BS1 5TX", countryCode: "GB" }, timezone: "Europe/London", currency: "GBP", jurisdiction: "GB", taxIdKind: "GB", priceLevel: 0.95, weight: 14, opensAt: 0.45, phonePrefixes: ["+447700900"], languages: GB_LANGS },
    { code: "NYC1", name: "PulseFit Manhattan Flatiron", city: "New York", address: { line1: "22 W 21st Street", city: "New York", postalCode: "10010", region: "NY", countryCode: "US" }, timezone: "America/New_York", currency: "USD", jurisdiction: "US-NY", taxIdKind: "US", priceLevel: 1.25, weight: 22, opensAt: null, phonePrefixes: ["+1212555", "+1646555"], languages: US_LANGS },
    { code: "SFO1", name: "PulseFit San Francisco Mission", city: "San Francisco", address: { line1: "2400 Mission Street", city: "San Francisco", postalCode: "94110", region: "CA", countryCode: "US" }, timezone: "America/Los_Angeles", currency: "USD", jurisdiction: "US-CA", taxIdKind: "US", priceLevel: 1.2, weight: 18, opensAt: null, phonePrefixes: ["+1415555", "+1628555"], languages: US_LANGS },
  ],
  serviceTypes: [
    {
      code: "MEMB", name: "Monthly membership", unit: "memberships", taxCategory: "standard", costRateBps: 2600,
      price: { EUR: 3990, GBP: 4200, USD: 5900 }, step: 1, seasonal: false,
      quantity: { consumer: [1, 1], smb: [5, 40], enterprise: [40, 250] },
      primaryWeight: { consumer: 85, smb: 100, enterprise: 100 }, extraWeight: flat(0),
    },
    {
      code: "PT", name: "Personal training", unit: "sessions", taxCategory: "standard", costRateBps: 5600,
      price: { EUR: 4500, GBP: 5000, USD: 8500 }, step: 1, seasonal: true,
      quantity: { consumer: [2, 8], smb: [4, 12], enterprise: [10, 30] },
      primaryWeight: { consumer: 10, smb: 0, enterprise: 0 }, extraWeight: [8, 5, 3, 3, 3, 3, 2, 2, 5, 3, 2, 2],
    },
    {
      code: "CLASS", name: "Class pack (10 classes)", unit: "packs", taxCategory: "standard", costRateBps: 3400,
      price: { EUR: 8900, GBP: 9500, USD: 15000 }, step: 1, seasonal: false,
      quantity: { consumer: [1, 2], smb: [2, 10], enterprise: [10, 40] },
      primaryWeight: { consumer: 0, smb: 0, enterprise: 0 }, extraWeight: [6, 4, 3, 3, 3, 2, 2, 2, 5, 3, 2, 2],
    },
    {
      code: "PHYSIO", name: "Physiotherapy session", unit: "sessions", taxCategory: "exempt", costRateBps: 6400,
      price: { EUR: 5000, GBP: 6000, USD: 11000 }, step: 1, seasonal: false,
      quantity: { consumer: [1, 4], smb: [2, 8], enterprise: [6, 20] },
      primaryWeight: { consumer: 5, smb: 0, enterprise: 0 }, extraWeight: flat(3),
    },
    {
      code: "NUTRI", name: "Nutrition guide (e-book)", unit: "copies", taxCategory: "super_reduced", costRateBps: 2000,
      price: { EUR: 1499, GBP: 1299, USD: 1999 }, step: 1, seasonal: false,
      quantity: { consumer: [1, 1], smb: [5, 20], enterprise: [20, 100] },
      primaryWeight: { consumer: 0, smb: 0, enterprise: 0 }, extraWeight: [5, 2, 1, 1, 2, 2, 1, 1, 2, 1, 1, 1],
    },
    {
      code: "CAFE", name: "Recovery café credit", unit: "credits", taxCategory: "reduced", costRateBps: 7300,
      price: { EUR: 2500, GBP: 2500, USD: 3500 }, step: 1, seasonal: true,
      quantity: { consumer: [1, 2], smb: [2, 8], enterprise: [8, 30] },
      primaryWeight: { consumer: 0, smb: 0, enterprise: 0 }, extraWeight: [2, 2, 2, 3, 3, 4, 4, 4, 3, 2, 2, 2],
    },
  ],
};

export const FRANCHISE_SPECS: readonly FranchiseSpec[] = [HOME, FITNESS];

/** Payment terms in days by segment: consumers pay fast, enterprises negotiate. */
export const DUE_IN_DAYS: Record<Segment, number> = { consumer: 14, smb: 30, enterprise: 45 };
