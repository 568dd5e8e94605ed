// Structured postal addresses (customers, branches, and the party snapshots issued documents
// keep). The country is an ISO 3166-1 alpha-2 code, checked against the table below.
import { invalid } from "./errors.ts";

// ISO 3166-1 alpha-2, all 249 officially assigned codes.
const ALPHA2 =
  "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ " +
  "CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET " +
  "FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU " +
  "ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY " +
  "MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM " +
  "PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ " +
  "TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

export const COUNTRY_CODES: ReadonlySet<string> = new Set(ALPHA2.split(" "));

export function isCountryCode(code: string): boolean {
  return COUNTRY_CODES.has(code);
}

export interface PostalAddress {
  line1: string;
  line2?: string | undefined;
  city: string;
  postalCode: string;
  region?: string | undefined;
  countryCode: string;
}

/** Trims the fields, drops empty optional ones, and refuses a missing line, city or unknown country. */
export function normalizeAddress(address: PostalAddress, field = "address"): PostalAddress {
  const required = (name: "line1" | "city" | "postalCode") => {
    const value = address[name].trim();
    if (value === "") throw invalid("address_incomplete", `${field}.${name}`, `${field}.${name} must not be empty`);
    return value;
  };
  const countryCode = address.countryCode.trim().toUpperCase();
  if (!isCountryCode(countryCode)) throw invalid("unknown_country", `${field}.countryCode`, `${address.countryCode} is not an ISO 3166-1 alpha-2 country code`);
  const out: PostalAddress = { line1: required("line1"), city: required("city"), postalCode: required("postalCode"), countryCode };
  const line2 = address.line2?.trim();
  const region = address.region?.trim();
  if (line2) out.line2 = line2;
  if (region) out.region = region;
  return out;
}
