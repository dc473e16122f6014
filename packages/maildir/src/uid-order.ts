// A folder's message records in UID order, kept as records come and go instead of sorted again after each change.

/** What the order needs of a record. */
interface Numbered {
  uid: number;
}

export class UidOrder<R extends Numbered> {
  private sorted: R[] | null = null;

  /** The records in UID order (sorted from `all` when not kept); the array changes with later add and remove calls. */
  get(all: () => Iterable<R>): readonly R[] {
    if (!this.sorted) this.sorted = [...all()].sort((a, b) => a.uid - b.uid);
    return this.sorted;
  }

  /** Forgets the order: the next get sorts again. */
  reset(): void {
    this.sorted = null;
  }

  /** A new record: appended when it has the highest UID (nearly always), else the order is sorted again later. */
  add(rec: R): void {
    const last = this.sorted?.[this.sorted.length - 1];
    if (this.sorted && (last === undefined || last.uid < rec.uid)) this.sorted.push(rec);
    else this.sorted = null;
  }

  /** A removed record, found by binary search. */
  remove(rec: R): void {
    const sorted = this.sorted;
    if (!sorted) return;
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((sorted[mid] as R).uid < rec.uid) lo = mid + 1;
      else hi = mid;
    }
    if (sorted[lo] === rec) sorted.splice(lo, 1);
    else this.sorted = null;
  }
}
