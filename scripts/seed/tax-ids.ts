// Tax identifiers with valid check characters, so validators downstream (e-invoice formats,
// VERI*FACTU records) accept the demo data. The numbers are random: any match with a real
// company or person is a coincidence.
import type { Random } from "./random.ts";
import type { TaxIdKind } from "./catalog.ts";

const DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE";

const digits = (rng: Random, n: number): string => {
  let s = "";
  for (let i = 0; i < n; i++) s += String(rng.int(0, 9));
  return s;
};

/** Spanish NIF of a person (DNI): 8 digits and the letter of their value mod 23. */
export function spanishPersonalNif(rng: Random): string {
  const number = digits(rng, 8);
  return number + DNI_LETTERS[Number(number) % 23];
}

/** The control digit of a Spanish company NIF (formerly CIF) over its 7 digits. */
export function cifControlDigit(sevenDigits: string): number {
  let sum = 0;
  for (let i = 0; i < 7; i++) {
    const d = Number(sevenDigits[i]);
    if (i % 2 === 1) sum += d;
    else sum += Math.floor((d * 2) / 10) + ((d * 2) % 10);
  }
  return (10 - (sum % 10)) % 10;
}

/**
 * Spanish company NIF: entity letter (A = sociedad anónima, B = sociedad limitada), two digits of
 * province, five of registry number, and a control digit (letter types N/P/Q/R/S/W are not used).
 */
export function spanishCompanyNif(rng: Random, entity: "A" | "B", provinceCode: string): string {
  const body = provinceCode + digits(rng, 5);
  return `${entity}${body}${cifControlDigit(body)}`;
}

/** UK VAT registration number: 7 digits weighted 8..2 plus two check digits making the sum ≡ 0 (mod 97). */
export function ukVatNumber(rng: Random): string {
  const body = String(rng.int(1, 9)) + digits(rng, 6);
  let sum = 0;
  for (let i = 0; i < 7; i++) sum += Number(body[i]) * (8 - i);
  const check = 97 - (sum % 97);
  return `GB${body}${String(check).padStart(2, "0")}`;
}

/** US employer identification number (no check digit exists). */
export function usEin(rng: Random): string {
  return `${rng.pick(["13", "20", "27", "46", "81", "84", "88", "91", "93"])}-${digits(rng, 7)}`;
}

export function companyTaxId(rng: Random, kind: TaxIdKind, entity: "A" | "B", provinceCode: string): string {
  if (kind === "ES") return spanishCompanyNif(rng, entity, provinceCode);
  return kind === "GB" ? ukVatNumber(rng) : usEin(rng);
}
