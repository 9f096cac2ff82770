import { dirNode, symlinkNode, type DirNode, type SysfsNode } from '../nodes'

/** A path below the sysfs root as its components, e.g. ['devices', 'virtual', 'misc']. */
export type SysPath = readonly string[]

/**
 * The text sysfs gives a link at `from` (the directory holding it) pointing
 * to `to`, as kernfs builds it: climb from the link's directory until it is
 * an ancestor of the target's parent (or that parent itself), one "../" per
 * level, then descend to the target.
 */
export function relativeLink (from: SysPath, to: SysPath): string {
  const parent = to.slice(0, -1)
  let base = from.length
  const isPrefix = (n: number): boolean => n <= parent.length && from.slice(0, n).every((c, i) => parent[i] === c)
  let ups = 0
  while (base > 0 && !isPrefix(base)) { base--; ups++ }
  return '../'.repeat(ups) + to.slice(base).join('/')
}

/** A directory whose entries are added once and kept in order (a kobject's directory). */
export class SysDir {
  readonly node: DirNode
  private readonly children = new Map<string, SysfsNode>()
  private readonly subdirs = new Map<string, SysDir>()

  constructor (name: string, mode = 0o755) {
    this.node = dirNode(name, () => [...this.children.values()], mode)
    this.node.child = (n) => this.children.get(n)
  }

  has (name: string): boolean {
    return this.children.has(name)
  }

  add (node: SysfsNode): void {
    if (this.children.has(node.name)) throw new RangeError(`sysfs: "${node.name}" already exists in "${this.node.name}"`)
    this.children.set(node.name, node)
  }

  /** The subdirectory `name`, made when missing. */
  dir (name: string): SysDir {
    let d = this.subdirs.get(name)
    if (d === undefined) {
      if (this.children.has(name)) throw new RangeError(`sysfs: "${name}" in "${this.node.name}" is not a directory`)
      d = new SysDir(name)
      this.subdirs.set(name, d)
      this.children.set(name, d.node)
    }
    return d
  }
}

/** A /sys-shaped tree: directories by path, links written with the kernel's relative text. */
export class SysTree {
  readonly root = new SysDir('')

  dir (path: SysPath): SysDir {
    let d = this.root
    for (const c of path) d = d.dir(c)
    return d
  }

  has (path: SysPath): boolean {
    let d: SysfsNode = this.root.node
    for (const c of path) {
      if (d.kind !== 'dir' || d.child === undefined) return false
      const next: SysfsNode | undefined = d.child(c)
      if (next === undefined) return false
      d = next
    }
    return true
  }

  /** A link `name` in directory `at` pointing to `to`; a link already there with the same target is kept. */
  link (at: SysPath, name: string, to: SysPath): void {
    const d = this.dir(at)
    if (d.has(name)) return
    d.add(symlinkNode(name, relativeLink(at, to)))
  }
}
