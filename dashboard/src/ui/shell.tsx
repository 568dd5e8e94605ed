// The signed-in frame: navigation (filtered by role), who is signed in, sign-out.
import { type ReactNode, useState } from "react";
import { api, done } from "../api/client.ts";
import { Link, navigate, useLocation } from "../lib/router.tsx";
import { type Capability, can, endSession, ROLE_LABELS, useSession } from "../lib/session.ts";

interface NavItem {
  href: string;
  label: string;
  icon: string;
  needs?: Capability;
}

/** Capability pages (analytics, dunning, ERP sync, audit…) add themselves here. */
export const NAV: NavItem[] = [
  { href: "/", label: "Overview", icon: "◧" },
  { href: "/receivables", label: "Receivables", icon: "◔" },
  { href: "/revenue", label: "Revenue", icon: "▤" }, // analytics (issue 11)
  { href: "/invoices", label: "Invoices", icon: "≡" },
  { href: "/customers", label: "Customers", icon: "☺" },
  { href: "/forecast", label: "Forecast", icon: "◭" },
  { href: "/dunning", label: "Dunning", icon: "✉" }, // dunning (issue 7)
  { href: "/ops", label: "Operations", icon: "◎" },
  { href: "/integrations", label: "Integrations", icon: "⇄" },
  { href: "/compliance", label: "Compliance", icon: "✓" }, // e-invoicing (issue 9)
  { href: "/settings", label: "Settings", icon: "⚙", needs: "admin" },
];

export async function signOut() {
  // Revoke the session on the server first (it also clears the HttpOnly cookie, which the page
  // cannot touch); then forget the user here whatever the answer (a 401: it had already ended).
  await done(api.POST("/auth/logout")).catch(() => undefined);
  endSession();
  navigate("/sign-in", { replace: true });
}

export function Shell({ children }: { children: ReactNode }) {
  const session = useSession();
  const { pathname } = useLocation();
  // The phone menu is open for the page it was opened on: navigating closes it.
  const [menuFor, setMenuFor] = useState<string | null>(null);
  const menuOpen = menuFor === pathname;
  const items = NAV.filter((n) => !n.needs || can(session, n.needs));
  const active = (href: string) => (href === "/" ? pathname === "/" : pathname === href || pathname.startsWith(`${href}/`));
  const initials = (session?.user.name ?? "?").split(/\s+/).map((w) => w[0]).join("").slice(0, 2).toUpperCase();

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <aside className={`sidebar ${menuOpen ? "open" : ""}`}>
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">L</span>
          <span className="brand-name">Ledgerline</span>
          <button type="button" className="menu-toggle" aria-expanded={menuOpen} aria-controls="primary-nav" onClick={() => setMenuFor(menuOpen ? null : pathname)}>
            <span className="visually-hidden">Menu</span>
            <span aria-hidden="true">☰</span>
          </button>
        </div>
        <nav id="primary-nav" aria-label="Primary" className="nav">
          {items.map((n) => (
            <Link key={n.href} href={n.href} className={`nav-link ${active(n.href) ? "active" : ""}`} aria-current={active(n.href) ? "page" : undefined}>
              <span className="nav-icon" aria-hidden="true">{n.icon}</span>
              {n.label}
            </Link>
          ))}
          <a className="nav-link" href="/docs/">
            <span className="nav-icon" aria-hidden="true">{"{}"}</span>
            API reference
          </a>
        </nav>
        <div className="user">
          <span className="avatar" aria-hidden="true">{initials}</span>
          <div className="user-text">
            <div className="user-name">{session?.user.name}</div>
            <div className="user-role">{ROLE_LABELS[session?.user.role ?? ""] ?? session?.user.role}</div>
          </div>
          <button type="button" className="btn btn-ghost btn-sm" onClick={signOut}>
            Sign out
          </button>
        </div>
      </aside>
      <main id="main" className="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
