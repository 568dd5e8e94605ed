// The signed-in staff user. The session itself is the HttpOnly `ll_session` cookie the API sets
// at sign-in (a page cannot read it; same-origin fetch sends it). Here we only keep who is
// signed in, restored on load from GET /auth/session. Expiry is enforced twice: a timer at
// expiresAt, and any 401.
import { useSyncExternalStore } from "react";
import type { StaffUser } from "../api/types.ts";

export interface Session {
  expiresAt: string;
  user: StaffUser;
}

/** "unknown" until GET /auth/session has answered on load. */
let session: Session | null | "unknown" = "unknown";
let notice: string | null = null;
let timer: ReturnType<typeof setTimeout> | undefined;
const listeners = new Set<() => void>();

function emit() {
  for (const l of listeners) l();
}

function arm() {
  clearTimeout(timer);
  if (!session || session === "unknown") return;
  // setTimeout overflows past ~24.8 days; sessions are hours long, but clamp anyway.
  const ms = Math.min(Date.parse(session.expiresAt) - Date.now(), 2 ** 31 - 1);
  timer = setTimeout(() => expireSession("Your session expired. Sign in again to continue."), Math.max(ms, 0));
}

export const currentSession = (): Session | null => (session === "unknown" ? null : session);
export const sessionNotice = () => notice;

export function startSession(s: Session) {
  session = Date.parse(s.expiresAt) > Date.now() ? s : null;
  notice = null;
  arm();
  emit();
}

export function endSession() {
  session = null;
  arm();
  emit();
}

export function expireSession(message: string) {
  if (!session || session === "unknown") return;
  notice = message;
  endSession();
}

/** Asks the API who the cookie belongs to; no session (401) or no answer means the sign-in page. */
export async function restoreSession(load: () => Promise<Session | null>) {
  let restored: Session | null = null;
  try {
    restored = await load();
  } catch {
    restored = null;
  }
  if (session !== "unknown") return; // a sign-in finished first
  if (restored) startSession(restored);
  else endSession();
}

const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => {
    listeners.delete(l);
  };
};

export function useSession(): Session | null {
  return useSyncExternalStore(subscribe, currentSession);
}

/** False while the session is still being restored on load. */
export function useSessionKnown(): boolean {
  return useSyncExternalStore(subscribe, () => session !== "unknown");
}

/**
 * What a role may do. The API enforces it; the UI only avoids offering what would be refused.
 * Branch managers are further limited to their branches by the API itself (lists leave the
 * others out, reads of them are 404), so the UI needs no branch rule of its own.
 */
export type Capability = "write" | "admin";
const CAPABILITIES: Record<string, readonly Capability[]> = {
  admin: ["write", "admin"],
  finance: ["write"],
  branch_manager: ["write"],
  viewer: [],
};

export function can(s: Session | null, capability: Capability): boolean {
  return !!s && (CAPABILITIES[s.user.role] ?? []).includes(capability);
}

export const ROLE_LABELS: Record<string, string> = {
  admin: "Administrator",
  finance: "Finance",
  branch_manager: "Branch manager",
  viewer: "Viewer",
};

export const ROLE_HINTS: Record<string, string> = {
  admin: "Everything, including staff and API keys",
  finance: "All branches, read and write",
  branch_manager: "Read and write within the assigned branches",
  viewer: "Read-only",
};
