// Customer postal addresses near their home branch: a made-up house number on a real-sounding
// street of the branch's city, with the branch's postal district. Drawn from a stream derived
// for addresses only, so adding them did not reshuffle any other demo data.
import type { PostalAddress } from "../../workers/domain/postal-address.ts";
import type { BranchSpec } from "./catalog.ts";
import type { Random } from "./random.ts";

const STREETS: Record<BranchSpec["taxIdKind"], readonly string[]> = {
  ES: ["Calle Mayor", "Calle de Serrano", "Avenida de América", "Calle del Príncipe", "Paseo de la Castellana", "Carrer de Provença", "Calle de Toledo", "Avinguda Diagonal"],
  GB: ["High Street", "Station Road", "Church Lane", "Victoria Road", "Park Avenue", "Queen Street", "Mill Lane", "King's Road"],
  US: ["Main Street", "Oak Avenue", "Maple Street", "Washington Avenue", "Park Place", "Cedar Lane", "Elm Street", "Lake Shore Drive"],
};

export function customerAddress(rng: Random, branch: BranchSpec): PostalAddress {
  const street = rng.pick(STREETS[branch.taxIdKind]);
  const number = rng.int(1, 240);
  const line1 = branch.taxIdKind === "ES" ? `${street} ${number}` : `${number} ${street}`;
  const address: PostalAddress = { line1, city: branch.address.city, postalCode: branch.address.postalCode, countryCode: branch.address.countryCode };
  if (branch.taxIdKind === "ES" && rng.chance(0.6)) address.line2 = `${rng.int(1, 9)}º ${rng.pick(["A", "B", "C", "D"])}`;
  if (branch.taxIdKind === "US" && rng.chance(0.3)) address.line2 = `Apt ${rng.int(1, 30)}${rng.pick(["A", "B", "C"])}`;
  if (branch.address.region) address.region = branch.address.region;
  return address;
}
