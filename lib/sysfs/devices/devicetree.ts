import type { BinaryAttribute } from '../nodes'
import type { SysPath, SysTree } from './tree'

/** Where the kernel shows the flattened devicetree it booted with. */
export const DT_BASE: SysPath = ['firmware', 'devicetree', 'base']

/** A property value: a string list (each NUL-terminated) or big-endian 32-bit cells. */
export type DtValue = { strings: string[] } | { cells: number[] }

function encode (v: DtValue): Buffer {
  if ('strings' in v) return Buffer.from(v.strings.map(s => `${s}\0`).join(''), 'latin1')
  const b = Buffer.alloc(4 * v.cells.length)
  v.cells.forEach((c, i) => b.writeUInt32BE(c >>> 0, 4 * i))
  return b
}

/** A property file: read-only, its size the property's length, read at any offset. */
function propertyAttr (name: string, value: Buffer): BinaryAttribute {
  return {
    kind: 'binary',
    name,
    mode: 0o444,
    size: value.length,
    active: true,
    read: (pos, count) => Buffer.from(value.subarray(pos, pos + count))
  }
}

/** One devicetree node as /sys/firmware/devicetree/base shows it: a directory of property files. */
export class DtNode {
  readonly path: SysPath
  /** The node name without its unit address (%pOFn). */
  readonly nodeName: string
  /** The full path from the devicetree root (%pOF). */
  readonly fullName: string
  private readonly props = new Map<string, DtValue>()
  private readonly children = new Map<string, DtNode>()

  constructor (private readonly tree: SysTree, readonly parent: DtNode | undefined, readonly name: string) {
    this.path = parent === undefined ? DT_BASE : [...parent.path, name]
    this.nodeName = name.split('@')[0]
    this.fullName = parent === undefined ? '/' : `${parent.fullName === '/' ? '' : parent.fullName}/${name}`
    tree.dir(this.path)
    // A flattened tree gives every node a `name` property made from its unit name.
    if (parent !== undefined) this.set('name', { strings: [this.nodeName] })
  }

  /** The child node `name`, made on first use. */
  child (name: string): DtNode {
    let n = this.children.get(name)
    if (n === undefined) { n = new DtNode(this.tree, this, name); this.children.set(name, n) }
    return n
  }

  set (prop: string, value: DtValue): this {
    if (this.props.has(prop)) return this
    this.props.set(prop, value)
    this.tree.dir(this.path).add(propertyAttr(prop, encode(value)))
    return this
  }

  compatible (): string[] {
    const v = this.props.get('compatible')
    return v !== undefined && 'strings' in v ? v.strings : []
  }

  /** The MODALIAS of a device made from this node: name, device_type (none here) and each compatible. */
  modalias (): string {
    return `of:N${this.nodeName}T(null)${this.compatible().map(c => `C${c}`).join('')}`
  }
}

/** The devicetree root of a tree (made on first use). */
export function dtRoot (tree: SysTree): DtNode {
  let r = roots.get(tree)
  if (r === undefined) { r = new DtNode(tree, undefined, ''); roots.set(tree, r) }
  return r
}
const roots = new WeakMap<SysTree, DtNode>()
