/** A binary min-heap ordered by a caller-supplied `less`. */
export class MinHeap<T> {
  private readonly items: T[] = []
  constructor (private readonly less: (a: T, b: T) => boolean) {}

  get size (): number { return this.items.length }
  peek (): T | undefined { return this.items[0] }

  clear (): void {
    this.items.length = 0
  }

  push (item: T): void {
    const q = this.items
    q.push(item)
    let i = q.length - 1
    while (i > 0) {
      const p = (i - 1) >> 1
      if (!this.less(q[i], q[p])) break
      ;[q[i], q[p]] = [q[p], q[i]]
      i = p
    }
  }

  pop (): T | undefined {
    const q = this.items
    const top = q[0]
    const last = q.pop()
    if (q.length > 0 && last !== undefined) {
      q[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < q.length && this.less(q[l], q[m])) m = l
        if (r < q.length && this.less(q[r], q[m])) m = r
        if (m === i) break
        ;[q[i], q[m]] = [q[m], q[i]]
        i = m
      }
    }
    return top
  }
}
