// The seller (branch legal entity) and buyer (customer) snapshots an invoice freezes at issue.
import { buyerSnapshot, sellerSnapshot, type PartySnapshots } from "../domain/party-snapshot.ts";
import type { PostalAddress } from "../domain/postal-address.ts";
import type { CustomerRow } from "../db/customers.ts";
import type { BranchRow } from "../db/reference-data.ts";

const address = (json: string | null): PostalAddress | null => (json ? (JSON.parse(json) as PostalAddress) : null);

export function partiesAtIssue(branch: BranchRow, customer: Pick<CustomerRow, "name" | "taxId" | "address" | "email">): PartySnapshots {
  return {
    seller: sellerSnapshot({ name: branch.name, legalName: branch.legalName, taxId: branch.taxId, address: address(branch.address), contactEmail: branch.contactEmail, contactPhone: branch.contactPhone }),
    buyer: buyerSnapshot({ name: customer.name, taxId: customer.taxId, address: address(customer.address), email: customer.email }),
  };
}
