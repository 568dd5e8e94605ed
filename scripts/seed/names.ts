// Made-up people and company names, by language/region. A few carry apostrophes on purpose,
// so every consumer of the data (SQL escaping, CSV exports, templates) meets them early.
import type { Random } from "./random.ts";
import type { Currency, Segment } from "./catalog.ts";

const FIRST: Record<string, readonly string[]> = {
  es: ["Lucía", "Sofía", "Martina", "María", "Julia", "Paula", "Valeria", "Alba", "Carmen", "Elena", "Hugo", "Martín", "Lucas", "Mateo", "Leo", "Daniel", "Alejandro", "Pablo", "Manuel", "Álvaro", "Javier", "Sergio", "Jorge", "Marta", "Raquel", "Iñaki", "Rocío", "Nerea", "Adrián", "Íker"],
  ca: ["Jordi", "Montserrat", "Núria", "Pau", "Arnau", "Laia", "Marc", "Aina", "Pol", "Mireia", "Oriol", "Queralt", "Roger", "Berta"],
  gb: ["Oliver", "George", "Harry", "Noah", "Jack", "Leo", "Arthur", "Muhammad", "Oscar", "Charlie", "Olivia", "Amelia", "Isla", "Ava", "Ivy", "Freya", "Lily", "Florence", "Mia", "Willow", "Priya", "Aisha", "Siobhan", "Niamh", "Rhys", "Callum", "Eilidh", "Zainab"],
  us: ["Liam", "Noah", "Olivia", "Emma", "Ava", "Sophia", "Isabella", "Mia", "James", "Benjamin", "Elijah", "William", "Lucas", "Henry", "Charlotte", "Amelia", "Harper", "Evelyn", "Mateo", "Santiago", "Camila", "Valentina", "Wei", "Mei", "Aaliyah", "DeShawn", "Tyler", "Madison"],
  pl: ["Zofia", "Jakub", "Antoni", "Julia", "Szymon", "Maja", "Wojciech", "Agnieszka"],
  fr: ["Camille", "Louis", "Chloé", "Hugo", "Léa", "Gabriel", "Manon", "Théo"],
  de: ["Lukas", "Anna", "Felix", "Lena", "Jonas", "Marie", "Paul", "Sophie"],
  zh: ["Wei", "Jing", "Hao", "Mei", "Lei", "Xiu", "Yan", "Jun"],
};

const LAST: Record<string, readonly string[]> = {
  es: ["García", "Rodríguez", "González", "Fernández", "López", "Martínez", "Sánchez", "Pérez", "Gómez", "Martín", "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno", "Muñoz", "Álvarez", "Romero", "Alonso", "Gutiérrez", "Navarro", "Torres", "Domínguez", "Vázquez", "Ramos", "Gil", "Ramírez", "Serrano", "Blanco", "Molina"],
  ca: ["Puig", "Ferrer", "Soler", "Vidal", "Roca", "Serra", "Casals", "Font", "Pujol", "Vila", "Sala", "Riera"],
  gb: ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Wright", "Robinson", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke", "O'Brien", "Khan", "Hughes", "Edwards", "Murphy", "O'Neill", "MacLeod"],
  us: ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Nguyen", "Kim", "Chen", "O'Connor", "D'Angelo", "Kowalski", "Okafor"],
  pl: ["Nowak", "Kowalska", "Wiśniewski", "Wójcik", "Kamińska", "Lewandowski", "Zielińska", "Szymański"],
  fr: ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand"],
  de: ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker"],
  zh: ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao"],
};

const COMPANY_ES_PREFIX = ["Talleres", "Clínica Dental", "Gestoría", "Inmobiliaria", "Hostal", "Construcciones", "Restaurante", "Academia", "Farmacia", "Despacho", "Panadería", "Óptica"];
const COMPANY_EN_PLACE = ["Riverside", "Northgate", "Harbour", "Summit", "Oakwood", "Kingsway", "Lakeview", "Brookfield", "Maple", "Granite", "Westfield", "Highland", "Parkside", "Sterling"];
const COMPANY_EN_NOUN = ["Dental", "Property Management", "Lettings", "Logistics", "Architects", "Veterinary Clinic", "Accountants", "Bakery", "Studios", "Legal", "Hotel", "Coworking", "Pharmacy", "Motors"];

/** Name pool for a customer language within a branch's region (Spanish speakers in the US get US-Hispanic names). */
function poolFor(language: string, currency: Currency): string {
  if (language === "en") return currency === "USD" ? "us" : "gb";
  if (language === "es" && currency === "USD") return "us";
  return FIRST[language] ? language : "gb";
}

export interface PersonName {
  first: string;
  last: string;
  full: string;
}

export function personName(rng: Random, language: string, currency: Currency): PersonName {
  const pool = poolFor(language, currency);
  const first = rng.pick(FIRST[pool]!);
  let last = rng.pick(LAST[pool]!);
  // Spanish and Catalan names carry two surnames.
  if (pool === "es" || pool === "ca") last = `${last} ${rng.pick(LAST[rng.chance(0.8) ? "es" : "ca"]!)}`;
  return { first, last, full: `${first} ${last}` };
}

export function companyName(rng: Random, segment: Exclude<Segment, "consumer">, currency: Currency): string {
  if (currency === "EUR") {
    const base = rng.chance(0.6) ? `${rng.pick(COMPANY_ES_PREFIX)} ${rng.pick(LAST.es!)}` : `${rng.pick(LAST.es!)} y ${rng.pick(LAST.es!)}`;
    return `${base} ${segment === "enterprise" ? "S.A." : "S.L."}`;
  }
  const pool = currency === "USD" ? "us" : "gb";
  const base = rng.chance(0.6) ? `${rng.pick(COMPANY_EN_PLACE)} ${rng.pick(COMPANY_EN_NOUN)}` : `${rng.pick(LAST[pool]!)} & ${rng.pick(LAST[pool]!)}`;
  const suffix = currency === "USD" ? (segment === "enterprise" ? "Inc." : "LLC") : segment === "enterprise" ? "plc" : "Ltd";
  return `${base} ${suffix}`;
}

/** Lowercase ASCII for e-mail local parts and domains: "Álvaro O'Brien" → "alvaro-obrien". */
export function slug(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/ł/g, "l")
    .replace(/['’]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}
