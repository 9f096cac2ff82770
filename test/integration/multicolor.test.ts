import t from 'tap'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startMount } from '../support/mount'

/**
 * A multicolor LED through real mounts: an rgb LED, and the sysfs backend
 * driving it as it would a real RGB LED (a second mount's sysfs:PATH LED on
 * the first one's directory).
 */

const write = (file: string, text: string): void => writeFileSync(file, text)
const read = (file: string): string => readFileSync(file, 'latin1')

t.test('--led NAME=rgb:COLOURS and a sysfs LED on it that drives its intensities', async t => {
  const real = await startMount(['--led', 'rgbw=rgb:red,green,blue,white', '--clock', 'virtual'])
  t.teardown(async () => { await real.stop() })
  const target = real.ledDir('rgbw')
  t.equal(read(join(target, 'multi_index')), 'red green blue white\n')
  write(join(target, 'multi_intensity'), '1 2 3 4\n')
  write(join(target, 'brightness'), '9\n')
  const drv = await startMount(['--led', `drv=sysfs:${target}`])
  t.teardown(async () => { await drv.stop() })
  const d = drv.ledDir('drv')
  t.equal(read(join(d, 'multi_index')), 'red green blue white\n', 'the emulated LED has the target\'s channels')
  t.equal(read(join(d, 'multi_intensity')), '1 2 3 4\n', 'and its intensities')
  write(join(d, 'multi_intensity'), '255 0 128 7\n')
  write(join(d, 'brightness'), '200\n')
  t.equal(read(join(target, 'multi_intensity')), '255 0 128 7\n', 'intensities reach the target')
  t.equal(read(join(target, 'brightness')), '200\n')
  t.throws(() => write(join(d, 'multi_intensity'), '1 2\n'), { code: 'EINVAL' }, 'too few channels: EINVAL, as the kernel answers')
  t.equal(read(join(target, 'multi_intensity')), '255 0 128 7\n', 'a malformed write reaches nothing')
  await drv.stop()
  t.equal(read(join(target, 'multi_intensity')), '1 2 3 4\n', 'the target\'s intensities are put back on exit')
})

t.test('rgb LED errors name the LED and the field', async t => {
  const cases: Array<[string[], RegExp]> = [
    [['--led', 'x=rgb:red,mauve'], /LED "x": "channels" has an unknown colour "mauve"/],
    [['--led', 'x=rgb:red,purple', '--kernel', '6.1'], /LED "x": "channels" has an unknown colour "purple" .* on kernel 6\.1/]
  ]
  for (const [args, re] of cases) {
    await t.rejects(startMount(args), re, args.join(' '))
  }
})
