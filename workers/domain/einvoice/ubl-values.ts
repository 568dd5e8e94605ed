// How Ledgerline's integers are written in UBL: amounts with the currency's decimals, rates as
// percentages, quantities in units. Exact string arithmetic, never floats.
import { invalid } from "../errors.ts";
import { formatMinor, minorUnitsOf } from "../currency.ts";

/** EN 16931 allows at most two decimals on amounts (BR-DEC-*): a 3- or 4-decimal currency cannot be written exactly. */
export function assertEn16931Currency(currency: string): void {
  if (minorUnitsOf(currency) > 2) {
    throw invalid("currency_not_representable", "currency", `${currency} has more than two decimals; EN 16931 amounts allow at most two`);
  }
}

export const amountText = (minor: number, currency: string): string => formatMinor(minor, currency);

/** Trailing zeros dropped: "21", "8.875", "0". */
function fixedPoint(value: number, decimals: number): string {
  const sign = value < 0 ? "-" : "";
  const digits = String(Math.abs(value)).padStart(decimals + 1, "0");
  const whole = digits.slice(0, -decimals);
  const fraction = digits.slice(-decimals).replace(/0+$/, "");
  return fraction === "" ? `${sign}${whole}` : `${sign}${whole}.${fraction}`;
}

/** 210000 ppm → "21" (percent). */
export const percentText = (ratePpm: number): string => fixedPoint(ratePpm, 4);

/** 1500 thousandths → "1.5". */
export const quantityText = (quantityMilli: number): string => fixedPoint(quantityMilli, 3);

/** EAS (electronic address scheme) for a VAT number, per country; others are reached by e-mail ("EM"). */
const VAT_EAS: Readonly<Record<string, string>> = {
  AT: "9914",
  BE: "9925",
  DE: "9930",
  ES: "9920",
  FR: "9957",
  GB: "9932",
  IE: "9935",
  IT: "0211",
  NL: "9944",
  PT: "9946",
};

/** Greece writes VAT numbers with "EL"; every other country uses its ISO code. */
const VAT_PREFIX: Readonly<Record<string, string>> = { GR: "EL" };

/** A VAT identifier with its country prefix (BR-CO-09); null when the id is not a VAT number we can prefix. */
export function vatIdentifier(taxId: string | null, countryCode: string | undefined): string | null {
  if (!taxId) return null;
  const compact = taxId.replace(/[\s.-]/g, "").toUpperCase();
  if (/^[A-Z]{2}[0-9A-Z]{2,13}$/.test(compact) && (compact.slice(0, 2) === countryCode || compact.slice(0, 2) === VAT_PREFIX[countryCode ?? ""])) return compact;
  if (!countryCode) return null;
  return `${VAT_PREFIX[countryCode] ?? countryCode}${compact}`;
}

export interface Endpoint {
  schemeId: string;
  id: string;
}

/** The party's electronic address (BT-34 / BT-49): its VAT number where the country has a scheme, else its e-mail. */
export function endpointOf(vatId: string | null, countryCode: string | undefined, email: string | null): Endpoint | null {
  const scheme = countryCode ? VAT_EAS[countryCode] : undefined;
  if (vatId && scheme) return { schemeId: scheme, id: vatId };
  if (email) return { schemeId: "EM", id: email };
  return null;
}
