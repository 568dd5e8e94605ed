// Real tax rates for the jurisdictions the demo branches invoice under, with their history.
// Intervals are half-open [from, to). US "standard" is the state base sales-tax rate only:
// county, city and district add-ons are excluded (they depend on the customer's address).
// Written from the statutes' well-known history, not re-checked against the official sources
// in this change ([M] in the compliance notes' terms): confirm before any legal use.
import type { TaxCategory } from "../../workers/domain/tax.ts";

export interface TaxRateFact {
  jurisdiction: string;
  category: TaxCategory;
  ratePpm: number;
  from: string;
  to: string | null;
  source: string;
}

const ES_LAW = "Ley 37/1992 del IVA";
const GB_LAW = "VAT Act 1994";
const US_NOTE = "state base rate only; county/city/district add-ons excluded";

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
  { jurisdiction: "US-NY", category: "standard", ratePpm: 42_500, from: "2003-06-01", to: "2005-06-01", source: `NY Tax Law §1105, temporary 4.25% (2003-06-01 to 2005-05-31); ${US_NOTE}` },
  { jurisdiction: "US-NY", category: "standard", ratePpm: 40_000, from: "2005-06-01", to: null, source: `NY Tax Law §1105 (state rate 4%); ${US_NOTE}` },
  { jurisdiction: "US-IL", category: "standard", ratePpm: 62_500, from: "1990-01-01", to: null, source: `35 ILCS 120 Retailers' Occupation Tax (state rate 6.25%); ${US_NOTE}` },
  { jurisdiction: "US-CA", category: "standard", ratePpm: 72_500, from: "2011-07-01", to: "2013-01-01", source: `CA Rev. & Tax. Code §6051 (statewide base 7.25%); ${US_NOTE}` },
  { jurisdiction: "US-CA", category: "standard", ratePpm: 75_000, from: "2013-01-01", to: "2017-01-01", source: `CA Proposition 30 temporary +0.25% (statewide base 7.50%, 2013-01-01 to 2016-12-31); ${US_NOTE}` },
  { jurisdiction: "US-CA", category: "standard", ratePpm: 72_500, from: "2017-01-01", to: null, source: `CA Rev. & Tax. Code §6051 (statewide base 7.25% after Proposition 30 expired); ${US_NOTE}` },
];
