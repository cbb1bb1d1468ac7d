/**
 * Where a chat room resumes from: the highest sequence number S such that every message with seq <= S has been
 * seen (or deliberately left to history), not merely the highest one seen. Room sequence numbers are dense
 * (1, 2, 3, ...), so a hole means a message still on its way, for example a confirmation from another gateway
 * node that overtook an earlier one; resuming from the highest seen would lose it.
 */
export class SeqTracker {
  #base = null;
  #above = new Set();

  /** The highest contiguous seq, or null while no position is known. */
  get contiguous() {
    return this.#base;
  }

  /**
   * Counts every seq <= `seq` as accounted for: used with the `lastSeq` of a join without `since`, whose older
   * messages are left to chat:history.
   */
  accountUpTo(seq) {
    if (!Number.isSafeInteger(seq) || seq < 0) {
      return;
    }
    if (this.#base === null || seq > this.#base) {
      this.#base = seq;
    }
    this.#advance();
  }

  /** Records a confirmed message. */
  see(seq) {
    if (!Number.isSafeInteger(seq) || seq <= 0 || (this.#base !== null && seq <= this.#base)) {
      return;
    }
    this.#above.add(seq);
    this.#advance();
  }

  /**
   * The `since` to resume with: the highest contiguous seq; with no known base (the store was down at the join),
   * one below the lowest seq seen; null when nothing is known at all.
   */
  resumeFrom() {
    if (this.#base !== null) {
      return this.#base;
    }
    if (this.#above.size === 0) {
      return null;
    }
    return Math.min(...this.#above) - 1;
  }

  #advance() {
    if (this.#base === null) {
      return;
    }
    for (const seq of this.#above) {
      if (seq <= this.#base) {
        this.#above.delete(seq);
      }
    }
    while (this.#above.delete(this.#base + 1)) {
      this.#base += 1;
    }
  }
}
