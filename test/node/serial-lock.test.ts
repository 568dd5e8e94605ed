// The InvoiceSequence lock: strict arrival order, and one hung call cannot stall the line.
import { describe, expect, it } from "vitest";
import { SerialLock } from "../../durable-objects/serial-lock.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("SerialLock", () => {
  it("runs calls one at a time in arrival order, also after a failure", async () => {
    const lock = new SerialLock(1_000);
    const events: string[] = [];
    let active = 0;
    const job = (name: string, ms: number, fail = false) =>
      lock.run(async () => {
        active++;
        expect(active).toBe(1);
        events.push(`start ${name}`);
        await sleep(ms);
        events.push(`end ${name}`);
        active--;
        if (fail) throw new Error(name);
        return name;
      });
    const results = await Promise.allSettled([job("a", 20), job("b", 5, true), job("c", 1)]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(events).toEqual(["start a", "end a", "start b", "end b", "start c", "end c"]);
  });

  it("lets the next call proceed once a hung call exceeds the timeout, and still settles the hung one", async () => {
    let timeouts = 0;
    const lock = new SerialLock(50, () => timeouts++);
    let finishHung!: (v: string) => void;
    const hung = lock.run(() => new Promise<string>((r) => (finishHung = r)));
    const started = Date.now();
    const next = await lock.run(async () => "next");
    expect(next).toBe("next");
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(timeouts).toBe(1);
    finishHung("late");
    await expect(hung).resolves.toBe("late");
  });

  it("starts each call's clock when its turn comes, not while it waits", async () => {
    let timeouts = 0;
    const lock = new SerialLock(60, () => timeouts++);
    const order: string[] = [];
    const a = lock.run(async () => { await sleep(40); order.push("a"); });
    const b = lock.run(async () => { await sleep(40); order.push("b"); });
    await Promise.all([a, b]);
    expect(order).toEqual(["a", "b"]);
    expect(timeouts).toBe(0);
  });
});
