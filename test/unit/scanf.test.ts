import t from 'tap'
import { sscanf } from '../../lib/abi/scanf'

const b = (s: string): Buffer => Buffer.from(s, 'latin1')

t.test('%u %u %n: one tuple and the bytes it used', async t => {
  t.same(sscanf(b('0 1000 255 2000\n'), 0, '%u %u %n'), { count: 2, values: [0, 1000, 7] })
  t.same(sscanf(b('0 1000 255 2000\n'), 7, '%u %u %n'), { count: 2, values: [255, 2000, 9] })
  t.same(sscanf(b('  0\t1000\n'), 0, '%u %u %n'), { count: 2, values: [0, 1000, 9] }, 'leading and trailing white space (9 bytes)')
  t.same(sscanf(b('0 1000'), 0, '%u %u %n'), { count: 2, values: [0, 1000, 6] }, '%n is set at the end of the string')
})

t.test('failures stop the scan', async t => {
  t.equal(sscanf(b('-1 1000'), 0, '%u %u %n').count, 0, 'a sign is not a digit for %u')
  t.equal(sscanf(b('+5 1000'), 0, '%u %u %n').count, 0, '+ is not accepted either')
  t.equal(sscanf(b('0x10 1000'), 0, '%u %u %n').count, 1, '0x: the 0 converts, x stops the second')
  t.equal(sscanf(b('5 \n'), 0, '%u %u %n').count, 1)
  t.equal(sscanf(b(''), 0, '%u %u %n').count, 0)
  t.equal(sscanf(b('0 1000 255 2000\0garbage'), 15, '%u %u %n').count, 0, 'the string ends at NUL')
})

t.test('values wrap modulo 2^32 (after modulo 2^64)', async t => {
  t.equal(sscanf(b('4294967296 1'), 0, '%u %u').values[0], 0)
  t.equal(sscanf(b('4294967295 1'), 0, '%u %u').values[0], 4294967295)
  t.equal(sscanf(b('18446744073709551616 1'), 0, '%u %u').values[0], 0)
  t.equal(sscanf(b('8589934597 1'), 0, '%u %u').values[0], 5)
})

t.test('%d takes a minus sign and stores a signed int', async t => {
  t.same(sscanf(b('-1 1000 '), 0, '%d %u %n'), { count: 2, values: [-1, 1000, 8] })
  t.equal(sscanf(b('4294967295 1'), 0, '%d %u').values[0], -1)
  t.equal(sscanf(b('2147483648 1'), 0, '%d %u').values[0], -2147483648)
  t.equal(sscanf(b('- 1'), 0, '%d %u').count, 0, 'a lone minus is no number')
})

t.test('the kernel counts 0xA0 as white space', async t => {
  t.same(sscanf(b('0\xa01000'), 0, '%u %u %n'), { count: 2, values: [0, 1000, 6] })
})

t.test('%i: the prefix picks the base, the first byte must be a decimal digit', async t => {
  t.same(sscanf(b('0x10%'), 0, '%i%n'), { count: 1, values: [16, 4] })
  t.same(sscanf(b('010 '), 0, '%i%n'), { count: 1, values: [8, 3] })
  t.same(sscanf(b('0X1f'), 0, '%i%n'), { count: 1, values: [31, 4] })
  t.same(sscanf(b('-0x10'), 0, '%i%n'), { count: 1, values: [-16, 5] })
  t.same(sscanf(b('08'), 0, '%i%n'), { count: 1, values: [0, 1] }, '08: octal, the 8 ends the number')
  t.same(sscanf(b('0xg'), 0, '%i%n'), { count: 1, values: [0, 1] }, '0x without a hex digit is octal 0')
  t.equal(sscanf(b('+1'), 0, '%i%n').count, 0, 'no plus sign')
  t.equal(sscanf(b('x1'), 0, '%i%n').count, 0)
  t.equal(sscanf(b('99999999999999999999'), 0, '%i').values[0], 1661992959, 'modulo 2^64, then the low 32 bits')
  t.equal(sscanf(b('4294967295'), 0, '%i').values[0], -1)
})
