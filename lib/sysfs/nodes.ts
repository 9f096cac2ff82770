/**
 * The typed nodes of an emulated sysfs tree. Device code describes its files
 * with these; the kernfs layer gives them file semantics, and the FUSE
 * adapter only translates calls.
 */

interface NodeBase {
  readonly name: string
  /** Permission bits (no file-type bits); chmod may change them, as on sysfs. */
  mode: number
  /**
   * Cleared when the node is taken out of the tree (a trigger's files when
   * the trigger goes). Open files of a removed node fail with ENODEV, as
   * kernfs does once it cannot take an active reference.
   */
  active: boolean
}

/** A device attribute: show() output is one page at most; store() gets one call per write(2). */
export interface TextAttribute extends NodeBase {
  readonly kind: 'text'
  show?: () => string | Buffer
  /** Gets the (already page-capped) bytes of one write(2); returns the count consumed or throws a KernelError. */
  store?: (buf: Buffer) => number
}

/** A binary attribute: read/write at an offset, no seq_file buffering. */
export interface BinaryAttribute extends NodeBase {
  readonly kind: 'binary'
  /** The size stat reports; 0 means unbounded. */
  readonly size: number
  read?: (pos: number, count: number) => Buffer
  write?: (buf: Buffer, pos: number) => number
}

export interface SymlinkNode extends NodeBase {
  readonly kind: 'symlink'
  readonly target: string
}

export interface DirNode extends NodeBase {
  readonly kind: 'dir'
  /** Entries in listing order; computed on every call, so it always reflects current state. */
  entries: () => SysfsNode[]
  /** Find one entry by name without listing (for directories with many entries). */
  child?: (name: string) => SysfsNode | undefined
}

export type SysfsNode = TextAttribute | BinaryAttribute | SymlinkNode | DirNode

export function textAttr (name: string, mode: number, ops: { show?: () => string | Buffer, store?: (buf: Buffer) => number }): TextAttribute {
  return { kind: 'text', name, mode, active: true, ...ops }
}

export function dirNode (name: string, entries: () => SysfsNode[], mode = 0o755): DirNode {
  return { kind: 'dir', name, mode, active: true, entries }
}

export function symlinkNode (name: string, target: string): SymlinkNode {
  return { kind: 'symlink', name, mode: 0o777, active: true, target }
}

type RemovalListener = (nodes: readonly SysfsNode[]) => void
const removalListeners = new Set<RemovalListener>()

/**
 * Take nodes out of the tree (a trigger's files when the trigger goes): open
 * files of them fail from now on, and whoever caches names (a FUSE
 * transport with kernel entry caching) hears of it.
 */
export function removeNodes (nodes: readonly SysfsNode[]): void {
  if (nodes.length === 0) return
  for (const n of nodes) n.active = false
  for (const l of removalListeners) l(nodes)
}

/** Hear of every removeNodes(); returns the function that stops listening. */
export function onNodesRemoved (listener: RemovalListener): () => void {
  removalListeners.add(listener)
  return () => { removalListeners.delete(listener) }
}
