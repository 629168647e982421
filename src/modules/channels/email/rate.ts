/**
 * Messages per sender in a sliding window, in memory: a sender past the limit
 * (an auto-responder answering our answers) is flagged as a mail loop. Per
 * process; a loop that spreads over several intake processes is slower to be
 * noticed but still is.
 */
export class SenderRate {
  private hits = new Map<string, number[]>();
  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one message; false when the sender is over the limit. */
  hit(sender: string): boolean {
    const now = this.now();
    const recent = (this.hits.get(sender) ?? []).filter((t) => now - t < this.windowMs);
    recent.push(now);
    // Only whether the count passed max matters: the newest max + 1 hits tell it as well as all of them
    // (the older ones expire first), and a loop of thousands a minute is not filtered whole on every message.
    if (recent.length > this.max + 1) recent.splice(0, recent.length - this.max - 1);
    this.hits.set(sender, recent);
    if (this.hits.size > 100_000) this.hits.delete(this.hits.keys().next().value!);
    return recent.length <= this.max;
  }
}
