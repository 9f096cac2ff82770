/**
 * How requests reach ledfs: `fuse3`, its own libfuse 3 addon polled by
 * Node's event loop; `fuse-native`, the libfuse 2 binding with its own
 * thread; `auto`, the first when it is built and usable here, else the second.
 */
export type Transport = 'auto' | 'fuse3' | 'fuse-native'
export const TRANSPORTS: readonly Transport[] = ['auto', 'fuse3', 'fuse-native']

/** The environment variable that sets the default (a test run on one transport, say). */
export const TRANSPORT_ENV = 'LEDFS_TRANSPORT'
