// Invoice lists carry customer ids, not names: look names up once each, a few at a time, and
// share the answers across every table on the page.
import { useEffect, useState } from "react";
import { api, ok } from "../api/client.ts";

const names = new Map<string, Promise<string>>();
const queue: Array<() => void> = [];
let running = 0;
const LIMIT = 6;

function schedule<T>(task: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const run = () => {
      running++;
      task().then(resolve, reject).finally(() => {
        running--;
        queue.shift()?.();
      });
    };
    if (running < LIMIT) run();
    else queue.push(run);
  });
}

export function customerName(id: string): Promise<string> {
  let p = names.get(id);
  if (!p) {
    p = schedule(() => ok(api.GET("/v1/customers/{id}", { params: { path: { id } } }))).then((c) => c.name);
    p.catch(() => names.delete(id));
    names.set(id, p);
  }
  return p;
}

export function rememberCustomerName(id: string, name: string) {
  names.set(id, Promise.resolve(name));
}

export function useCustomerName(id: string): string | undefined {
  const [name, setName] = useState<string>();
  useEffect(() => {
    let live = true;
    setName(undefined);
    customerName(id).then((n) => live && setName(n), () => live && setName(""));
    return () => {
      live = false;
    };
  }, [id]);
  return name;
}
