import type { Ctx } from "./context";
import { type Db, beforeBegin } from "./db";

interface Waiting<In, Out> {
  db: Db;
  input: In;
  resolve(out: Out): void;
  reject(err: unknown): void;
}

/**
 * One query for a read that the transactions of many requests make at the
 * same moment (PostgreSQL). A new fan's ticket is an identity lookup and one
 * write; the writes already go together (group-commit.ts), and with this the
 * lookups do too: one round trip, one statement and one `writev` for every
 * request waiting, rather than one each.
 *
 * Only a transaction that has sent no BEGIN and staged nothing joins: its
 * read sees what any connection would see (READ COMMITTED), so reading it
 * for others, or others' for it, changes nothing it could tell. Anything else
 * — PGlite, a transaction that has written or locked — reads alone, as it
 * would have.
 *
 * The query runs on the connection of a waiting transaction: it is idle (its
 * owner waits for this read) and already held, so a full pool cannot wait on
 * itself. If the joint read fails, each is read again alone, so an error
 * reaches only the request that caused it.
 */
export class ReadGroup<In, Out> {
  private waiting: Waiting<In, Out>[] = [];
  private scheduled = false;

  constructor(
    /** Reads every input at once; the outputs in the inputs' order. */
    private readonly read: (db: Db, inputs: readonly In[]) => Promise<Out[]>,
    private readonly maxInputs = 256,
  ) {}

  load(ctx: Ctx, input: In): Promise<Out> {
    if (!ctx.inTx || !beforeBegin(ctx.db) || (ctx.batch?.size ?? 0) > 0) return this.alone(ctx.db, input);
    return new Promise<Out>((resolve, reject) => {
      this.waiting.push({ db: ctx.db, input, resolve, reject });
      if (this.scheduled) return;
      // Until the end of this turn of the event loop: requests answered by one read of a socket join.
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        const all = this.waiting;
        this.waiting = [];
        for (let i = 0; i < all.length; i += this.maxInputs) void this.together(all.slice(i, i + this.maxInputs));
      });
    });
  }

  private async alone(db: Db, input: In): Promise<Out> {
    return (await this.read(db, [input]))[0]!;
  }

  private async together(group: Waiting<In, Out>[]): Promise<void> {
    if (group.length === 1) {
      const [only] = group;
      return this.alone(only!.db, only!.input).then(only!.resolve, only!.reject);
    }
    // A host still before its BEGIN: a transaction that began meanwhile would show the others its own writes.
    const host = group.find((w) => beforeBegin(w.db));
    if (!host) {
      await Promise.all(group.map((w) => this.alone(w.db, w.input).then(w.resolve, w.reject)));
      return;
    }
    try {
      const outs = await this.read(host.db, group.map((w) => w.input));
      group.forEach((w, i) => w.resolve(outs[i]!));
    } catch {
      await Promise.all(group.map((w) => this.alone(w.db, w.input).then(w.resolve, w.reject)));
    }
  }
}
