import t from 'tap'
import { KernelError } from '../../lib/abi/errno'
import { kstrtoint, kstrtoul, kstrtoull, kstrtoll } from '../../lib/abi/kstrtox'

const b = (s: string): Buffer => Buffer.from(s, 'latin1')
const errOf = (fn: () => unknown): string | undefined => {
  try { fn(); return undefined } catch (e) { return e instanceof KernelError ? e.code : String(e) }
}

// Answers the kernel gave to writes of `repeat` (kstrtos32) in the recorded transcripts.
t.test('kstrtos32 as repeat_store sees it', async t => {
  const ok: Array<[string, number]> = [
    ['-1\n', -1], ['1\n', 1], ['2147483647\n', 2147483647], ['-2147483648\n', -2147483648],
    ['5', 5], ['+6\n', 6], ['07\n', 7], ['0\n', 0], ['-0', 0]
  ]
  for (const [s, v] of ok) t.equal(kstrtoint(b(s)), v, JSON.stringify(s))
  const bad: Array<[string, string]> = [
    ['abc\n', 'EINVAL'], ['2147483648\n', 'ERANGE'], [' 5\n', 'EINVAL'], ['5 \n', 'EINVAL'],
    ['5 ', 'EINVAL'], ['0x8\n', 'EINVAL'], ['9\n\n', 'EINVAL'], ['\n', 'EINVAL'], ['', 'EINVAL'],
    ['1'.repeat(4096), 'ERANGE'], ['-2147483649', 'ERANGE'], ['--1', 'EINVAL'], ['+-1', 'EINVAL']
  ]
  for (const [s, code] of bad) t.equal(errOf(() => kstrtoint(b(s))), code, JSON.stringify(s.slice(0, 20)))
})

t.test('kstrtoul as brightness_store sees it', async t => {
  t.equal(kstrtoul(b('100\n')), 100n)
  t.equal(kstrtoul(b('+5')), 5n)
  t.equal(kstrtoul(b('18446744073709551615')), 18446744073709551615n)
  t.equal(errOf(() => kstrtoul(b('18446744073709551616'))), 'ERANGE')
  t.equal(errOf(() => kstrtoul(b('-1'))), 'EINVAL')
  t.equal(errOf(() => kstrtoul(b('0x10'))), 'EINVAL')
  t.equal(kstrtoul(b('010')), 10n, 'base 10 ignores a leading zero')
  t.equal(errOf(() => kstrtoul(b('5\0junk'))), undefined, 'the string ends at a NUL')
  t.equal(kstrtoull(b('0x1f'), 16), 31n)
  t.equal(kstrtoull(b('0x1f'), 0), 31n)
  t.equal(kstrtoull(b('017'), 0), 15n)
})

t.test('kstrtoll range', async t => {
  t.equal(kstrtoll(b('-9223372036854775808')), -9223372036854775808n)
  t.equal(errOf(() => kstrtoll(b('-9223372036854775809'))), 'ERANGE')
  t.equal(errOf(() => kstrtoll(b('9223372036854775808'))), 'ERANGE')
})
