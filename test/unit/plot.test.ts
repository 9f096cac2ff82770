// ledfs plot: the ASCII chart of a fixed kernel-like timeline against a stored
// rendering, the SVG's well-formedness (checked by a small strict XML parser
// below) and the CLI's error messages.
import t from 'tap'
import { tempDir } from '../support/tmp'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { renderAscii } from '../../lib/plot/ascii'
import { renderSvg } from '../../lib/plot/svg'
import { plotCommand } from '../../lib/cli/plot'
import { UsageError } from '../../lib/cli/args'
import type { TimelineEvent } from '../../lib/timeline/timeline'

const FIXTURE = join(__dirname, '..', 'fixtures', 'plot-expected.txt')

// `echo pattern > trigger; echo 1 > repeat; echo 0 200 255 200 > pattern` on
// the kernel (HZ=250): 56 ms dimming steps up to 255 and back down to 0.
const TIMES = [0, 60, 116, 172, 228, 340, 396, 452, 508]
const VALUES = [0, 63, 127, 191, 255, 192, 128, 64, 0]
const triangle = (led = 'led0', dt = 0): TimelineEvent[] => TIMES.map((time, i) => ({ t: time + dt, led, brightness: VALUES[i] }))

const toJsonl = (events: TimelineEvent[]): string => events.map(e => JSON.stringify(e) + '\n').join('')

/**
 * A strict XML 1.0 well-formedness check (no DTDs): one root element, tags
 * nested and closed, attributes quoted and not repeated, no raw '<' or stray
 * '&' in text or attribute values. Returns the element names in document order.
 */
function parseXml (s: string): string[] {
  const NAME = /[A-Za-z_:][-A-Za-z0-9_:.]*/y
  const REF = /&(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);/y
  const elements: string[] = []
  const stack: string[] = []
  let i = 0
  let rootSeen = false
  const fail = (msg: string): never => { throw new Error(`XML: ${msg} at offset ${i}: ${JSON.stringify(s.slice(i, i + 30))}`) }
  const name = (): string => {
    NAME.lastIndex = i
    const m = NAME.exec(s)
    if (m === null) return fail('expected a name')
    i += m[0].length
    return m[0]
  }
  const ws = (): void => { while (i < s.length && ' \t\r\n'.includes(s[i])) i++ }
  const chars = (end: string): void => { // character data up to `end`, references checked
    while (i < s.length && !s.startsWith(end, i)) {
      if (s[i] === '<') fail('raw < in character data')
      if (s[i] === '&') {
        REF.lastIndex = i
        const m = REF.exec(s)
        if (m === null) fail('stray &')
        else { i += m[0].length; continue }
      }
      i++
    }
  }
  if (s.startsWith('<?xml')) {
    const end = s.indexOf('?>')
    if (end < 0) fail('unterminated XML declaration')
    if (!/^<\?xml\s+version="1\.[0-9]"(\s+encoding="[A-Za-z0-9._-]+")?(\s+standalone="(yes|no)")?\s*\?>$/.test(s.slice(0, end + 2))) fail('bad XML declaration')
    i = end + 2
  }
  while (i < s.length) {
    if (s.startsWith('<!--', i)) {
      const end = s.indexOf('-->', i + 4)
      if (end < 0 || s.slice(i + 4, end).includes('--')) fail('bad comment')
      i = end + 3
    } else if (s.startsWith('<![CDATA[', i)) {
      if (stack.length === 0) fail('CDATA outside the root')
      const end = s.indexOf(']]>', i)
      if (end < 0) fail('unterminated CDATA')
      i = end + 3
    } else if (s.startsWith('<?', i)) {
      const end = s.indexOf('?>', i)
      if (end < 0) fail('unterminated processing instruction')
      i = end + 2
    } else if (s.startsWith('</', i)) {
      i += 2
      const n = name()
      ws()
      if (s[i] !== '>') fail('expected >')
      i++
      if (stack.pop() !== n) fail(`</${n}> does not close the open element`)
    } else if (s[i] === '<') {
      i++
      if (stack.length === 0 && rootSeen) fail('second root element')
      const n = name()
      elements.push(n)
      rootSeen = true
      const attrs = new Set<string>()
      for (;;) {
        const before = i
        ws()
        if (s.startsWith('/>', i)) { i += 2; break }
        if (s[i] === '>') { i++; stack.push(n); break }
        if (i === before) fail('expected white space before an attribute')
        const a = name()
        if (attrs.has(a)) fail(`attribute ${a} repeated`)
        attrs.add(a)
        ws()
        if (s[i] !== '=') fail('expected =')
        i++
        ws()
        const q = s[i]
        if (q !== '"' && q !== "'") fail('attribute value not quoted')
        i++
        chars(q)
        if (i >= s.length) fail('unterminated attribute value')
        i++
      }
    } else {
      const start = i
      if (stack.length === 0) {
        ws()
        if (i === start && i < s.length) fail('text outside the root element')
        continue
      }
      chars('<')
      if (s.slice(start, i).includes(']]>')) fail(']]> in text')
    }
  }
  if (stack.length > 0) fail(`<${stack[stack.length - 1]}> not closed`)
  if (!rootSeen) fail('no root element')
  return elements
}

t.test('the XML checker itself', async t => {
  t.same(parseXml('<?xml version="1.0"?>\n<a x="1"><b/>t &amp; u<!-- c --></a>\n'), ['a', 'b'])
  for (const bad of ['<a><b></a></b>', '<a>x & y</a>', '<a x="<"/>', '<a x=1/>', '<a/><b/>', '<a>', '<a x="1" x="2"/>', 'text<a/>']) {
    t.throws(() => parseXml(bad), `rejects ${bad}`)
  }
})

t.test('ASCII chart of 0 200 255 200 (repeat 1) matches the stored rendering', async t => {
  const got = renderAscii(triangle(), {})
  const expected = readFileSync(FIXTURE, 'utf8')
  t.equal(got, expected)
  const lines = got.split('\n')
  t.equal(lines[0], 'LED brightness: led0', 'titled with the LED name')
  t.ok(lines.some(l => l.startsWith('255-|')) && lines.some(l => l.startsWith('  0-|')), 'y axis labelled 0 and 255')
  t.ok(lines.some(l => l.includes('> time (ms)')), 'x axis in ms')
  t.ok(lines.every(l => l.length <= 72), 'no line over the default width')
  t.equal(lines.filter(l => l.includes('|')).length, 12, '12 rows by default')
  t.equal(renderAscii(triangle(), {}), got, 'deterministic')
})

t.test('ASCII options', async t => {
  const two = [...triangle('led0'), ...triangle('led1', 20)]
  const both = renderAscii(two, { width: 60, height: 6 })
  t.match(both, /^LED brightness: led0\n/)
  t.match(both, /\n\nLED brightness: led1\n/, 'one chart per LED, each titled')
  t.ok(both.split('\n').every(l => l.length <= 60), 'width respected')
  const one = renderAscii(two, { led: 'led1', height: 4 })
  t.notMatch(one, /led0/)
  t.equal(one.split('\n').filter(l => /^ *(255|0)?-?\|/.test(l)).length, 4, 'height respected')
  const zoom = renderAscii(triangle(), { from: 200, to: 400, maxBrightness: 1000 })
  t.match(zoom, /^1000-\|/m, '--max labels the top')
  t.match(zoom, /\+-*200-/, 'ticks from the zoomed range')
  t.match(renderAscii([{ t: 100, led: 'x', brightness: 5 }], {}), /-{10}/, 'a lone event still draws')
  t.throws(() => renderAscii(triangle(), { from: 10, to: 10 }), RangeError)
})

t.test('SVG: well-formed, one path per LED, names escaped', async t => {
  const nasty = 'a&b<c>"\'d'
  const svg = renderSvg([...triangle('led0'), ...triangle(nasty, 30)], {})
  t.match(svg, /^<\?xml version="1\.0"/)
  const elements = parseXml(svg)
  t.equal(elements[0], 'svg', 'root is <svg>')
  t.match(svg, /<svg [^>]*width="\d+" height="\d+" viewBox="0 0 \d+ \d+"/)
  t.equal(elements.filter(e => e === 'path').length, 2, 'exactly one path per LED')
  t.equal((svg.match(/<path[\s>/]/g) ?? []).length, 2, 'and no other <path')
  t.ok(elements.includes('text'), 'tick labels as text')
  t.ok(svg.includes('a&amp;b&lt;c&gt;&quot;&apos;d'), 'LED name escaped')
  t.notOk(svg.includes('a&b<c'), 'no raw name')
  const strokes = [...svg.matchAll(/<path [^>]*stroke="([^"]+)"/g)].map(m => m[1])
  t.equal(new Set(strokes).size, 2, 'distinct stroke colours')
  t.match(svg, /<title>led0<\/title>/)
  t.equal(parseXml(renderSvg(triangle(), { led: 'led0', from: 100, to: 300 })).filter(e => e === 'path').length, 1)
})

function capture (): { out: () => string, restore: () => void } {
  let buf = ''
  const write = process.stdout.write.bind(process.stdout)
  process.stdout.write = ((chunk: string | Uint8Array): boolean => { buf += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString(); return true }) as typeof process.stdout.write
  return { out: () => buf, restore: () => { process.stdout.write = write } }
}

t.test('plotCommand', async t => {
  const dir = tempDir(t, 'plot')
  const trace = join(dir, 'trace.jsonl')
  writeFileSync(trace, toJsonl([...triangle('led0'), ...triangle('led1', 10)]))

  await t.test('prints the chart and writes the SVG', async t => {
    const svgFile = join(dir, 'out.svg')
    const c = capture()
    let code
    try { code = await plotCommand([trace, '--led', 'led0', '--svg', svgFile]) } finally { c.restore() }
    t.equal(code, 0)
    t.equal(c.out(), readFileSync(FIXTURE, 'utf8'), 'same chart as the fixture')
    const svg = readFileSync(svgFile, 'utf8')
    t.equal(parseXml(svg).filter(e => e === 'path').length, 1)
  })

  // (No assertion while stdout is captured: tap reports through it.)
  const fails = async (argv: string[], re: RegExp, what: string): Promise<void> => {
    const c = capture()
    let err: unknown
    try { await plotCommand(argv) } catch (e) { err = e } finally { c.restore() }
    t.ok(err instanceof UsageError, `${what}: a UsageError`)
    t.match((err as Error | undefined)?.message, re, what)
    t.equal(c.out(), '', `${what}: nothing printed`)
  }
  await fails([join(dir, 'nope.jsonl')], /nope\.jsonl does not exist/, 'missing file')
  await fails([dir], /is a directory/, 'directory')
  const bad = join(dir, 'bad.jsonl')
  writeFileSync(bad, '{"t":0,"led":"a","brightness":0}\n\n{"t":5,"led":"a",\n')
  await fails([bad], /bad\.jsonl:3: not a JSON line/, 'bad JSON names the line')
  writeFileSync(bad, '{"t":0,"led":"a","brightness":0}\n{"t":"x","led":"a","brightness":1}\n')
  await fails([bad], /bad\.jsonl:2: "t" must be a number/, 'bad field names the line')
  writeFileSync(bad, '{"t":0,"led":"a"}\n')
  await fails([bad], /bad\.jsonl:1: "brightness"/, 'missing field')
  const empty = join(dir, 'empty.jsonl')
  writeFileSync(empty, '\n')
  await fails([empty], /has no events/, 'empty trace')
  await fails([trace, '--led', 'nope'], /no LED "nope" in .*; LEDs present: led0, led1/, 'unknown LED lists the LEDs')
  await fails([trace, '--from', '300', '--to', '200'], /--from \(300\) must be less than --to \(200\)/, 'from >= to')
  await fails([trace, '--from', '600'], /empty time range/, 'from after the end')
  await fails([trace, '--width', 'wide'], /--width takes a whole number \(got "wide"\)/, 'non-numeric width')
  await fails([trace, '--from', '1e'], /--from takes a number/, 'non-numeric from')
  await fails([trace, '--max', '0'], /--max must be more than 0/, 'zero max')
  await fails([trace, '--height', '1'], /--height must be at least 2/, 'height 1')
  await fails([], /usage: ledfs plot TRACE/, 'no trace')
  await fails([trace, '--bogus'], /unknown option --bogus/, 'unknown option')
})
