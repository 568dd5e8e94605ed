import { Link } from "../lib/router.tsx";
import { useCustomerName } from "../lib/names.ts";

export function CustomerLink({ id }: { id: string }) {
  const name = useCustomerName(id);
  return (
    <Link href={`/customers/${id}`} className="link">
      {name === undefined ? <span className="placeholder">Loading…</span> : name || "Unknown customer"}
    </Link>
  );
}
