// Real tax rates for the jurisdictions the demo branches invoice under, with their history.
// Intervals are half-open [from, to). US "standard" is the state base sales-tax rate only:
// county, city and district add-ons are excluded (they depend on the customer's address).
// Each row's `source` names the law and the official page that states the value. ES, GB and US
// values were re-checked in issue 10 against the statutes' history and pages quoting the official
// ones (GOV.UK "VAT rates", CDTFA); the official pages themselves could not be fetched from the
// build machine, so legal sign-off must still open the URLs. DE, EE and FI carry the real rate
// changes the tax-rate tests use (compliance NOTES §5): DE 16 % in 2020-H2, EE 22 → 24 % on
// 2025-07-01, FI 24 → 25.5 % on 2024-09-01.
import type { TaxCategory } from "../../workers/domain/tax.ts";

export interface TaxRateFact {
  jurisdiction: string;
  category: TaxCategory;
  ratePpm: number;
  from: string;
  to: string | null;
  source: string;
}

const ES_LAW = "Ley 37/1992 del IVA (BOE-A-1992-28740, https://www.boe.es/buscar/act.php?id=BOE-A-1992-28740)";
const GB_LAW = "VAT Act 1994 (https://www.gov.uk/guidance/rates-of-vat-on-different-goods-and-services)";
const US_NOTE = "state base rate only; county/city/district add-ons excluded";
const CA_PAGE = "https://www.cdtfa.ca.gov/taxes-and-fees/sales-use-tax-rates.htm";
const NY_PAGE = "https://www.tax.ny.gov/bus/st/rates.htm";
const IL_PAGE = "https://tax.illinois.gov/research/taxrates/st.html";
const DE_LAW = "UStG § 12 Abs. 1 (https://www.gesetze-im-internet.de/ustg_1980/__12.html)";
const EE_LAW = "Käibemaksuseadus (Value-Added Tax Act) § 15, https://www.riigiteataja.ee";
const FI_LAW = "Arvonlisäverolaki 1501/1993 § 84 (https://www.finlex.fi/fi/laki/ajantasa/1993/19931501)";

export const TAX_RATE_FACTS: readonly TaxRateFact[] = [
  { jurisdiction: "ES", category: "standard", ratePpm: 160_000, from: "1995-01-01", to: "2010-07-01", source: `${ES_LAW} art. 90 (tipo general 16%)` },
  { jurisdiction: "ES", category: "standard", ratePpm: 180_000, from: "2010-07-01", to: "2012-09-01", source: `${ES_LAW} art. 90, as amended by Ley 26/2009 (18% from 2010-07-01)` },
  { jurisdiction: "ES", category: "standard", ratePpm: 210_000, from: "2012-09-01", to: null, source: `${ES_LAW} art. 90, as amended by Real Decreto-ley 20/2012 (21% from 2012-09-01)` },
  { jurisdiction: "ES", category: "reduced", ratePpm: 70_000, from: "1995-01-01", to: "2010-07-01", source: `${ES_LAW} art. 91.Uno (tipo reducido 7%)` },
  { jurisdiction: "ES", category: "reduced", ratePpm: 80_000, from: "2010-07-01", to: "2012-09-01", source: `${ES_LAW} art. 91.Uno, as amended by Ley 26/2009 (8% from 2010-07-01)` },
  { jurisdiction: "ES", category: "reduced", ratePpm: 100_000, from: "2012-09-01", to: null, source: `${ES_LAW} art. 91.Uno, as amended by Real Decreto-ley 20/2012 (10% from 2012-09-01)` },
  { jurisdiction: "ES", category: "super_reduced", ratePpm: 40_000, from: "1995-01-01", to: null, source: `${ES_LAW} art. 91.Dos (tipo superreducido 4%)` },
  { jurisdiction: "GB", category: "standard", ratePpm: 175_000, from: "1991-04-01", to: "2008-12-01", source: `${GB_LAW} s.2 (standard rate 17.5%)` },
  { jurisdiction: "GB", category: "standard", ratePpm: 150_000, from: "2008-12-01", to: "2010-01-01", source: `${GB_LAW} s.2, temporary cut to 15% (2008-12-01 to 2009-12-31)` },
  { jurisdiction: "GB", category: "standard", ratePpm: 175_000, from: "2010-01-01", to: "2011-01-04", source: `${GB_LAW} s.2 (back to 17.5% from 2010-01-01)` },
  { jurisdiction: "GB", category: "standard", ratePpm: 200_000, from: "2011-01-04", to: null, source: `${GB_LAW} s.2, as amended by Finance (No. 2) Act 2010 (20% from 2011-01-04)` },
  { jurisdiction: "GB", category: "reduced", ratePpm: 50_000, from: "1997-09-01", to: null, source: `${GB_LAW} s.29A and Sch. 7A (reduced rate 5%)` },
  { jurisdiction: "US-NY", category: "standard", ratePpm: 42_500, from: "2003-06-01", to: "2005-06-01", source: `NY Tax Law §1105, temporary 4.25% (2003-06-01 to 2005-05-31), ${NY_PAGE}; ${US_NOTE}` },
  { jurisdiction: "US-NY", category: "standard", ratePpm: 40_000, from: "2005-06-01", to: null, source: `NY Tax Law §1105 (state rate 4%), ${NY_PAGE}; ${US_NOTE}` },
  { jurisdiction: "US-IL", category: "standard", ratePpm: 62_500, from: "1990-01-01", to: null, source: `35 ILCS 120 Retailers' Occupation Tax (state rate 6.25%), ${IL_PAGE}; ${US_NOTE}` },
  { jurisdiction: "US-CA", category: "standard", ratePpm: 72_500, from: "2011-07-01", to: "2013-01-01", source: `CA Rev. & Tax. Code §6051 (statewide base 7.25%), ${CA_PAGE}; ${US_NOTE}` },
  { jurisdiction: "US-CA", category: "standard", ratePpm: 75_000, from: "2013-01-01", to: "2017-01-01", source: `CA Proposition 30 temporary +0.25% (statewide base 7.50%, 2013-01-01 to 2016-12-31), ${CA_PAGE}; ${US_NOTE}` },
  { jurisdiction: "US-CA", category: "standard", ratePpm: 72_500, from: "2017-01-01", to: null, source: `CA Rev. & Tax. Code §6051 (statewide base 7.25% after Proposition 30 expired), ${CA_PAGE}; ${US_NOTE}` },
  { jurisdiction: "DE", category: "standard", ratePpm: 160_000, from: "1998-04-01", to: "2007-01-01", source: DE_LAW },
  { jurisdiction: "DE", category: "standard", ratePpm: 190_000, from: "2007-01-01", to: "2020-07-01", source: `${DE_LAW}, 19% from 2007-01-01 (Haushaltsbegleitgesetz 2006)` },
  { jurisdiction: "DE", category: "standard", ratePpm: 160_000, from: "2020-07-01", to: "2021-01-01", source: `${DE_LAW}; Zweites Corona-Steuerhilfegesetz (BGBl. I 2020 S. 1512): 16% from 2020-07-01 to 2020-12-31` },
  { jurisdiction: "DE", category: "standard", ratePpm: 190_000, from: "2021-01-01", to: null, source: `${DE_LAW}, 19% again from 2021-01-01` },
  { jurisdiction: "EE", category: "standard", ratePpm: 200_000, from: "2009-07-01", to: "2024-01-01", source: `${EE_LAW} (20%)` },
  { jurisdiction: "EE", category: "standard", ratePpm: 220_000, from: "2024-01-01", to: "2025-07-01", source: `${EE_LAW} (22% from 2024-01-01)` },
  { jurisdiction: "EE", category: "standard", ratePpm: 240_000, from: "2025-07-01", to: null, source: `${EE_LAW} (24% from 2025-07-01)` },
  { jurisdiction: "FI", category: "standard", ratePpm: 240_000, from: "2013-01-01", to: "2024-09-01", source: `${FI_LAW} (24%)` },
  { jurisdiction: "FI", category: "standard", ratePpm: 255_000, from: "2024-09-01", to: null, source: `${FI_LAW} (25.5% from 2024-09-01)` },
];
