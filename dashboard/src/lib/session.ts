// The signed-in staff user. Kept in sessionStorage (per tab, gone when the tab closes) until the
// API moves sessions to an HttpOnly cookie; then `token` is simply absent and the cookie rides
// along on every same-origin request. Expiry is enforced twice: a timer at expiresAt, and any 401.
import { useSyncExternalStore } from "react";
import type { StaffUser } from "../api/types.ts";

export interface Session {
  token?: string;
  expiresAt: string;
  user: StaffUser;
}

const KEY = "ledgerline.session";
let session: Session | null = read();
let notice: string | null = null;
let timer: ReturnType<typeof setTimeout> | undefined;
const listeners = new Set<() => void>();

function read(): Session | null {
  try {
    const s = JSON.parse(sessionStorage.getItem(KEY) ?? "null") as Session | null;
    return s && Date.parse(s.expiresAt) > Date.now() ? s : null;
  } catch {
    return null;
  }
}

function emit() {
  for (const l of listeners) l();
}

function arm() {
  clearTimeout(timer);
  if (!session) return;
  // setTimeout overflows past ~24.8 days; sessions are hours long, but clamp anyway.
  const ms = Math.min(Date.parse(session.expiresAt) - Date.now(), 2 ** 31 - 1);
  timer = setTimeout(() => expireSession("Your session expired. Sign in again to continue."), Math.max(ms, 0));
}

export const currentSession = () => session;
export const sessionNotice = () => notice;

export function startSession(s: Session) {
  session = s;
  notice = null;
  sessionStorage.setItem(KEY, JSON.stringify(s));
  arm();
  emit();
}

export function endSession() {
  session = null;
  sessionStorage.removeItem(KEY);
  arm();
  emit();
}

export function expireSession(message: string) {
  if (!session) return;
  notice = message;
  endSession();
}

arm();

export function useSession(): Session | null {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => session,
  );
}

/**
 * What a role may do. The API enforces it; the UI only avoids offering what would be refused.
 * Today's API knows "admin" (read + write) and "staff" (read); the staff-roles work adds
 * finance, branch_manager and viewer.
 */
export type Capability = "write" | "admin";
const CAPABILITIES: Record<string, readonly Capability[]> = {
  admin: ["write", "admin"],
  finance: ["write"],
  branch_manager: ["write"],
  viewer: [],
  staff: [],
};

export function can(s: Session | null, capability: Capability): boolean {
  return !!s && (CAPABILITIES[s.user.role] ?? []).includes(capability);
}

export const ROLE_LABELS: Record<string, string> = {
  admin: "Administrator",
  finance: "Finance",
  branch_manager: "Branch manager",
  viewer: "Viewer",
  staff: "Staff",
};
