// Every local stand-in for an outside service (payment provider, email/SMS gateway, ERP, ...)
// that `npm start` runs, in one list, so the start banner and the README name them all. A new
// fake adds one entry here; nothing else needs to know about it.

export interface LocalFake {
  /** What it stands in for, e.g. "payment provider (Stripe-like)". */
  name: string;
  /** Where a newcomer can look at it, given the dev server's base URL. */
  url: (baseUrl: string) => string;
  /** One line: what it records or lets you trigger. */
  purpose: string;
}

export const localFakes: readonly LocalFake[] = [];
