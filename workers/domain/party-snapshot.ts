// What an issued document says about its seller (the branch's legal entity) and buyer (the
// customer), frozen at issue: later edits of the branch or customer never change a document.
import type { PostalAddress } from "./postal-address.ts";

export interface SellerSnapshot {
  legalName: string;
  taxId: string | null;
  address: PostalAddress | null;
  contact: { email: string | null; phone: string | null };
}

export interface BuyerSnapshot {
  name: string;
  taxId: string | null;
  address: PostalAddress | null;
  email: string | null;
}

export interface PartySnapshots {
  seller: SellerSnapshot;
  buyer: BuyerSnapshot;
}

export interface SellerSource {
  name: string;
  legalName: string | null;
  taxId: string | null;
  address: PostalAddress | null;
  contactEmail: string | null;
  contactPhone: string | null;
}

export interface BuyerSource {
  name: string;
  taxId: string | null;
  address: PostalAddress | null;
  email: string | null;
}

/** A branch without a recorded legal name trades under its own name. */
export function sellerSnapshot(branch: SellerSource): SellerSnapshot {
  return {
    legalName: branch.legalName ?? branch.name,
    taxId: branch.taxId,
    address: branch.address,
    contact: { email: branch.contactEmail, phone: branch.contactPhone },
  };
}

export function buyerSnapshot(customer: BuyerSource): BuyerSnapshot {
  return { name: customer.name, taxId: customer.taxId, address: customer.address, email: customer.email };
}
