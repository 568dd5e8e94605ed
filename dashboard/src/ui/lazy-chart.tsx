// Charts load on demand: ECharts is most of the bundle, and no page needs it to be interactive.
import { type ComponentProps, lazy, Suspense } from "react";
import { Loading } from "./states.tsx";

const Inner = lazy(() => import("./chart.tsx").then((m) => ({ default: m.Chart })));

export function Chart(props: ComponentProps<typeof Inner>) {
  return (
    <Suspense fallback={<Loading rows={5} label="Loading chart" />}>
      <Inner {...props} />
    </Suspense>
  );
}
