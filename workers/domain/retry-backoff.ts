// Exponential backoff with jitter for redelivering a queue message: 2^attempt seconds, capped,
// then a random share of it ("equal jitter": between half and all of it), so a burst of
// failures does not come back in lockstep. `random` is in [0, 1) and comes from the caller.
export function retryDelaySeconds(attempt: number, random: number, capSeconds = 300): number {
  const ceiling = Math.min(capSeconds, 2 ** Math.max(1, Math.min(attempt, 30)));
  return Math.max(1, Math.round(ceiling / 2 + (ceiling / 2) * random));
}
