import { type StagedWrites, combineStatements, failedQuery } from "./batch";
import type { Statement } from "./insert";

interface Waiting {
  writes: StagedWrites;
  /** Parameters it adds to a statement. */
  size: number;
  /** Whether it may update a row (see `INSERT`). */
  updating: boolean;
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * Group commit across requests (PostgreSQL). A new fan's ticket is a lookup
 * and one write statement, autocommitted (see `wrapClient` in db.ts). The
 * write statements of transactions that finish while others are on their way
 * go as ONE statement: one round trip, one commit and, with rows of a table
 * merged into one INSERT, one statement for PostgreSQL to run — where each
 * round trip costs the process a `writev` and the driver's parsing, and the
 * server a statement and a commit of its own.
 *
 * The merged statement is as atomic as each of its parts: all of it commits
 * or none. If it fails, one of them broke a constraint (a racing fan's
 * identity, say), so each is sent again alone and fails or commits on its
 * own. Each caller is answered only once its rows are committed, so nothing
 * acknowledged can be lost.
 *
 * Only writes that could have run on their own at that moment come here:
 * the transaction holds no lock and has sent no write, so under READ
 * COMMITTED running them together is what running them one after another
 * would have been. A write that updates rows never merges with another that
 * updates (PostgreSQL applies only one of two updates of the same row in one
 * statement); inserts that collide fail the statement, as above.
 *
 * There is no timer: a write goes at once when a lane is free, and those
 * that arrive while every lane is busy go together when one frees. At low
 * load nothing waits; under load, the groups grow by themselves.
 */
export class GroupCommit {
  private waiting: Waiting[] = [];
  private busy = 0;
  private scheduled = false;

  constructor(
    /**
     * Sends one statement, autocommitted, on a connection of the group's own (never the
     * transactions' pool). `oneOff`: the text of several writes merged, whose shape (how
     * many rows of each table) seldom repeats — not worth preparing, nor remembering.
     */
    private readonly run: (statement: Statement, oneOff: boolean) => Promise<unknown>,
    private readonly options: { lanes: number; maxParams: number } = { lanes: 2, maxParams: 30_000 },
  ) {}

  /** Resolves once the writes are committed; rejects with their own error if they failed. */
  write(writes: StagedWrites): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const size = writes.parts.reduce((n, p) => n + p.params.length, 0) + 2 * writes.notices.length;
      const updating = writes.parts.some((p) => !p.merge && !INSERT.test(p.text));
      this.waiting.push({ writes, size, updating, resolve, reject });
      this.schedule();
    });
  }

  /** Writes are collected until the end of this turn of the event loop: transactions answered by one read of the socket go together. */
  private schedule(): void {
    if (this.scheduled || this.busy >= this.options.lanes || this.waiting.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.drain();
    });
  }

  private drain(): void {
    while (this.busy < this.options.lanes && this.waiting.length > 0) {
      const group = this.take();
      this.busy++;
      void this.send(group).finally(() => {
        this.busy--;
        this.schedule();
      });
    }
  }

  /** The next group: in order of arrival, up to the parameter budget (at least one), never two that update. */
  private take(): Waiting[] {
    const group: Waiting[] = [];
    const rest: Waiting[] = [];
    let params = 0;
    let updates = false;
    for (const waiting of this.waiting) {
      const fits = group.length === 0 || (params + waiting.size <= this.options.maxParams && !(waiting.updating && updates));
      if (fits) {
        group.push(waiting);
        params += waiting.size;
        updates ||= waiting.updating;
      } else rest.push(waiting);
    }
    this.waiting = rest;
    return group;
  }

  private async send(group: Waiting[]): Promise<void> {
    try {
      await this.sendOne(group.map((w) => w.writes));
      for (const w of group) w.resolve();
    } catch (err) {
      if (group.length === 1) {
        group[0]!.reject(err);
        return;
      }
      // One of them broke a constraint, and the statement left nothing: each alone, so only its own fails.
      await Promise.all(group.map((w) => this.sendOne([w.writes]).then(w.resolve, w.reject)));
    }
  }

  private async sendOne(writes: StagedWrites[]): Promise<void> {
    const statement = combineStatements(writes);
    try {
      await this.run(statement, writes.length > 1);
    } catch (err) {
      throw failedQuery(statement.text, err);
    }
  }
}

/** An INSERT (merging statements are inserts too). Anything else may update a row another write updates too. */
const INSERT = /^\s*insert\b/i;
