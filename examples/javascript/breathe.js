// LED code in JavaScript: make an LED breathe (ramp up, ramp down) with the
// kernel's pattern trigger. `ledDir` is /sys/class/leds/NAME on a device.
'use strict'
const { readFileSync, writeFileSync } = require('node:fs')
const { join } = require('node:path')

function breathe (ledDir, periodMs, times = -1) {
  const max = Number(readFileSync(join(ledDir, 'max_brightness'), 'utf8'))
  writeFileSync(join(ledDir, 'trigger'), 'pattern')
  // Two tuples with a duration each make a ramp: 0 up to max, then back down.
  writeFileSync(join(ledDir, 'pattern'), `0 ${periodMs / 2} ${max} ${periodMs / 2}`)
  writeFileSync(join(ledDir, 'repeat'), String(times))
}

module.exports = { breathe }
