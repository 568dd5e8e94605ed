// Cursor pagination. The page's cursor is in the URL (?cursor=…) so a page can be shared; the
// cursors of the pages before it are remembered for "Previous" while the tab lives.
import { useQueryState } from "../lib/router.tsx";

const trail = new Map<string, string[]>();

export function Pager({ nextCursor, count, noun }: { nextCursor: string | null | undefined; count: number; noun: string }) {
  const q = useQueryState();
  const cursor = q.get("cursor");
  const base = new URLSearchParams(q.params);
  base.delete("cursor");
  base.delete("sort");
  const key = `${location.pathname}?${base}`;
  const stack = trail.get(key) ?? [];
  const pageNo = cursor ? stack.length + 1 : 1;

  const next = () => {
    trail.set(key, [...stack, cursor ?? ""]);
    q.set({ cursor: nextCursor ?? undefined });
  };
  const previous = () => {
    const prev = stack.slice(0, -1);
    trail.set(key, prev);
    q.set({ cursor: stack[stack.length - 1] || undefined });
  };
  const first = () => {
    trail.set(key, []);
    q.set({ cursor: undefined });
  };

  return (
    <nav className="pager" aria-label={`${noun} pages`}>
      <span className="muted">
        Page {pageNo} · {count} {noun}
      </span>
      <div className="pager-buttons">
        {cursor && stack.length === 0 && (
          <button type="button" className="btn btn-ghost" onClick={first}>
            First page
          </button>
        )}
        <button type="button" className="btn" onClick={previous} disabled={!cursor || stack.length === 0}>
          ← Previous
        </button>
        <button type="button" className="btn" onClick={next} disabled={!nextCursor}>
          Next →
        </button>
      </div>
    </nav>
  );
}
