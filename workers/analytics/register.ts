// Plugs the analytics rollup into the domain-events queue (imported once by workers/index.ts).
import { registerSubscriber } from "../events/subscribers.ts";
import { analyticsSubscriber } from "./subscriber.ts";

registerSubscriber(analyticsSubscriber);
