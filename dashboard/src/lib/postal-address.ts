// Postal addresses laid out the way each country writes them (the lines above the country name).
// US/CA/AU put the region and postcode after the city ("Chicago, IL 60614"), the UK and Ireland
// give the post town and postcode their own lines, most of Europe writes "28009 Madrid".
import type { PostalAddress } from "../api/types.ts";

type Layout = (a: PostalAddress) => string[];

const join = (...parts: Array<string | null | undefined | false>) => parts.filter(Boolean).join(" ");

const cityRegionPostcode: Layout = (a) => [`${a.city}${a.region ? `, ${join(a.region, a.postalCode)}` : a.postalCode ? ` ${a.postalCode}` : ""}`];
const australian: Layout = (a) => [join(a.city, a.region, a.postalCode)];
const british: Layout = (a) => [a.city, a.region ?? "", a.postalCode].filter(Boolean);
// "28009 Madrid (Madrid)": Spain, Italy and Portugal name the province after the town when it differs.
const postcodeCityProvince: Layout = (a) => [`${join(a.postalCode, a.city)}${a.region && a.region !== a.city ? ` (${a.region})` : ""}`];
// Germany, France, the Netherlands, Austria, Switzerland, Belgium, the Nordics: no region line.
const postcodeCity: Layout = (a) => [join(a.postalCode, a.city)];
const fallback: Layout = (a) => [`${join(a.postalCode, a.city)}${a.region ? `, ${a.region}` : ""}`];

const LAYOUTS: Record<string, Layout> = {
  US: cityRegionPostcode,
  CA: cityRegionPostcode,
  AU: australian,
  GB: british,
  IE: british,
  ES: postcodeCityProvince,
  IT: postcodeCityProvince,
  PT: postcodeCityProvince,
  DE: postcodeCity,
  FR: postcodeCity,
  NL: postcodeCity,
  AT: postcodeCity,
  CH: postcodeCity,
  BE: postcodeCity,
  LU: postcodeCity,
  DK: postcodeCity,
  SE: postcodeCity,
  NO: postcodeCity,
  FI: postcodeCity,
  PL: postcodeCity,
};

/** Street lines, then the locality lines in the country's order (the country name is added by the caller). */
export function addressLines(a: PostalAddress): string[] {
  const locality = (LAYOUTS[a.countryCode.toUpperCase()] ?? fallback)(a).filter((l) => l.trim().length > 0);
  return [a.line1, a.line2 ?? "", ...locality].filter((l) => l.trim().length > 0);
}
