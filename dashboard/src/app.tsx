// Routing and the signed-in frame. Every page gets the franchise's branches from context.
import { useEffect, useMemo } from "react";
import { api, ok } from "./api/client.ts";
import { BranchesContext, useApi } from "./lib/data.ts";
import { match, navigate, useLocation } from "./lib/router.tsx";
import { can, type Capability, restoreSession, useSession, useSessionKnown } from "./lib/session.ts";
import { Compliance } from "./pages/compliance.tsx"; // e-invoicing (issue 9)
import { CustomerDetail } from "./pages/customer-detail.tsx";
import { Dunning } from "./pages/dunning.tsx"; // dunning (issue 7)
import { Customers } from "./pages/customers.tsx";
import { Forecast } from "./pages/forecast.tsx";
import { InvoiceDetail } from "./pages/invoice-detail.tsx";
import { Invoices } from "./pages/invoices.tsx";
import { Integrations } from "./pages/integrations.tsx";
import { Ops } from "./pages/ops.tsx";
import { Overview } from "./pages/overview.tsx";
import { Receivables } from "./pages/receivables.tsx";
import { Revenue } from "./pages/revenue.tsx";
import { Audit } from "./pages/audit.tsx"; // audit and records (issue 10)
import { Settings } from "./pages/settings.tsx";
import { SignIn } from "./pages/sign-in.tsx";
import { Shell } from "./ui/shell.tsx";
import { Empty, ErrorState, Loading } from "./ui/states.tsx";
import type { ReactNode } from "react";

interface Route {
  path: string;
  title: string;
  needs?: Capability;
  render: (params: Record<string, string>) => ReactNode;
}

const ROUTES: Route[] = [
  { path: "/", title: "Overview", render: () => <Overview /> },
  { path: "/receivables", title: "Receivables", render: () => <Receivables /> },
  { path: "/revenue", title: "Revenue", render: () => <Revenue /> }, // analytics (issue 11)
  { path: "/invoices", title: "Invoices", render: () => <Invoices /> },
  { path: "/invoices/:id", title: "Invoice", render: (p) => <InvoiceDetail id={p.id!} /> },
  { path: "/customers", title: "Customers", render: () => <Customers /> },
  { path: "/customers/:id", title: "Customer", render: (p) => <CustomerDetail id={p.id!} /> },
  { path: "/forecast", title: "Forecast", render: () => <Forecast /> },
  { path: "/dunning", title: "Dunning", render: () => <Dunning /> }, // dunning (issue 7)
  { path: "/ops", title: "Operations", render: () => <Ops /> },
  // E-invoicing (issue 9): Compliance page (audit, issue 10, adds its tab inside it)
  { path: "/compliance", title: "Compliance", render: () => <Compliance /> },
  // Accounting integrations (issue 8)
  { path: "/integrations", title: "Integrations", render: () => <Integrations /> },
  { path: "/audit", title: "Audit", render: () => <Audit /> }, // audit and records (issue 10)
  { path: "/settings", title: "Settings", needs: "admin", render: () => <Settings /> },
];

// Who the session cookie belongs to, asked once on load (401: nobody, the sign-in page).
restoreSession(async () => {
  const { data } = await api.GET("/auth/session");
  return data ?? null;
});

export function App() {
  const session = useSession();
  const known = useSessionKnown();
  const { pathname, search } = useLocation();

  useEffect(() => {
    if (!known) return;
    if (!session && pathname !== "/sign-in") {
      const next = pathname === "/" && !search ? "" : `?next=${encodeURIComponent(pathname + search)}`;
      navigate(`/sign-in${next}`, { replace: true });
    }
    if (session && pathname === "/sign-in") navigate("/", { replace: true });
  }, [known, session, pathname, search]);

  if (!known) return <Loading rows={8} />;
  if (!session || pathname === "/sign-in") {
    document.title = "Sign in · Ledgerline";
    return session ? null : <SignIn />;
  }
  return <SignedIn key={session.user.id} pathname={pathname} />;
}

function SignedIn({ pathname }: { pathname: string }) {
  const session = useSession();
  const branches = useApi((signal) => ok(api.GET("/v1/branches", { params: { query: { limit: 200 } }, signal })), []);
  const directory = useMemo(() => {
    const list = branches.data?.data ?? [];
    return { list, byId: new Map(list.map((b) => [b.id, b])) };
  }, [branches.data]);

  let route: Route | undefined;
  let params: Record<string, string> = {};
  for (const r of ROUTES) {
    const m = match(r.path, pathname);
    if (m) {
      route = r;
      params = m;
      break;
    }
  }
  useEffect(() => {
    document.title = `${route?.title ?? "Not found"} · Ledgerline`;
    document.getElementById("main")?.focus({ preventScroll: true });
  }, [route]);

  let body: ReactNode;
  if (branches.error) body = <ErrorState error={branches.error} onRetry={branches.reload} />;
  else if (!branches.data) body = <Loading rows={8} />;
  else if (!route) body = <Empty title="Page not found" icon="?">There is nothing at {pathname}.</Empty>;
  else if (route.needs && !can(session, route.needs)) body = <Empty title="You don't have access to this page" icon="⚙">Ask an administrator if you need it.</Empty>;
  else body = <div key={pathname}>{route.render(params)}</div>;

  return (
    <BranchesContext.Provider value={directory}>
      <Shell>{body}</Shell>
    </BranchesContext.Provider>
  );
}
