import { spawnSync } from 'node:child_process'

/**
 * Exactly one open + write(2) + close. Node's own write calls retry short
 * writes (libuv loops until everything is written), which hides what one
 * write(2) returns for writes over a page; python's os.write does not.
 * Returns the byte count or the errno name.
 */
export function singleWrite (path: string, data: Buffer, trunc = false): number | string {
  const script = [
    'import os, sys, errno',
    'data = sys.stdin.buffer.read()',
    `flags = os.O_WRONLY${trunc ? ' | os.O_TRUNC' : ''}`,
    'try:',
    '    fd = os.open(sys.argv[1], flags)',
    'except OSError as e:',
    '    print(errno.errorcode[e.errno]); sys.exit(0)',
    'try:',
    '    print(os.write(fd, data))',
    'except OSError as e:',
    '    print(errno.errorcode[e.errno])',
    'os.close(fd)'
  ].join('\n')
  const r = spawnSync('python3', ['-c', script, path], { input: data, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`)
  const out = r.stdout.trim()
  return /^[0-9]+$/.test(out) ? Number(out) : out
}
