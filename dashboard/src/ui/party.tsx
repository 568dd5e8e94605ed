// The seller and buyer as a document shows them: legal name, tax id, postal address, contact.
import type { PostalAddress } from "../api/types.ts";
import { addressLines } from "../lib/postal-address.ts";

const regionNames = new Map<string, Intl.DisplayNames>();
function countryName(code: string, locale: string): string {
  let names = regionNames.get(locale);
  if (!names) {
    names = new Intl.DisplayNames([locale], { type: "region" });
    regionNames.set(locale, names);
  }
  try {
    return names.of(code) ?? code;
  } catch {
    return code;
  }
}

export interface PartyView {
  name: string;
  taxId: string | null;
  address: PostalAddress | null;
  email?: string | null;
  phone?: string | null;
}

export function Party({ party, locale, testId }: { party: PartyView; locale: string; testId?: string }) {
  const a = party.address;
  return (
    <address className="party" data-testid={testId}>
      <strong>{party.name}</strong>
      <div className="muted">{party.taxId ? <>Tax id <span className="mono">{party.taxId}</span></> : "No tax id"}</div>
      {a ? (
        <>
          {addressLines(a).map((line, n) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the lines of one address, in a fixed order
            <div key={n}>{line}</div>
          ))}
          <div>{countryName(a.countryCode, locale)}</div>
        </>
      ) : (
        <div className="muted">No postal address</div>
      )}
      {(party.email || party.phone) && <div className="muted small">{[party.email, party.phone].filter(Boolean).join(" · ")}</div>}
    </address>
  );
}
