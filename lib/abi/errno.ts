import { constants } from 'node:os'

/** The errno names this project returns; numbers come from the host so FUSE gets the right value. */
export type ErrnoName =
  | 'EPERM' | 'ENOENT' | 'EIO' | 'E2BIG' | 'EBADF' | 'EACCES' | 'EBUSY' | 'EEXIST'
  | 'ENODEV' | 'ENOTDIR' | 'EISDIR' | 'EINVAL' | 'EFBIG' | 'ENOSPC' | 'EROFS'
  | 'ERANGE' | 'ELOOP' | 'ENOSYS' | 'ENOTEMPTY' | 'ENOTSUP' | 'EOPNOTSUPP' | 'ENOMEM' | 'ENXIO' | 'ESTALE'

export function errnoNumber (name: ErrnoName): number {
  const n = (constants.errno as Record<string, number>)[name]
  if (n === undefined) throw new Error(`unknown errno ${name}`)
  return n
}

/**
 * What a kernel store()/show()/VFS call fails with. Thrown by the emulated
 * kernel code and turned into a negative errno by the FUSE adapter.
 */
export class KernelError extends Error {
  readonly code: ErrnoName
  readonly errno: number
  constructor (code: ErrnoName, message?: string) {
    super(message ?? code)
    this.name = 'KernelError'
    this.code = code
    this.errno = errnoNumber(code)
  }
}

export function isKernelError (e: unknown): e is KernelError {
  return e instanceof KernelError
}
