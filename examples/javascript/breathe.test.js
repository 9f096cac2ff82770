// node:test with ledfs's API: breathe.js writes to an emulated LED served by
// a ledfs mount with a virtual clock; the test asserts on its timeline.
//   node --test examples/javascript/
'use strict'
const test = require('node:test')
const assert = require('node:assert')
const { readFileSync } = require('node:fs')
const { join } = require('node:path')
const { withLedfs } = require('ledfs')
const { breathe } = require('./breathe')

test('one breath ramps up to max_brightness and back to 0', async () => {
  await withLedfs({ leds: ['status'], clock: 'virtual' }, async (fs) => {
    breathe(fs.ledPath('status'), 2000, 1)
    await fs.advance(3000)
    const values = (await fs.timeline('status')).map(e => e.brightness)
    const top = values.indexOf(255)
    assert.ok(top > 0, `reaches 255: ${values}`)
    assert.deepStrictEqual(values.slice(0, top + 1), [...values.slice(0, top + 1)].sort((a, b) => a - b), 'rises')
    assert.deepStrictEqual(values.slice(top), [...values.slice(top)].sort((a, b) => b - a), 'falls')
    assert.strictEqual(values.at(-1), 0, 'ends dark')
    assert.strictEqual(readFileSync(join(fs.ledPath('status'), 'brightness'), 'utf8'), '0\n')
  })
})

test('the pattern reads back as written', async () => {
  await withLedfs({ leds: [{ name: 'status', maxBrightness: 100 }] }, async (fs) => {
    breathe(fs.ledPath('status'), 1000)
    assert.strictEqual(readFileSync(join(fs.ledPath('status'), 'pattern'), 'utf8'), '0 500 100 500\n')
  })
})
