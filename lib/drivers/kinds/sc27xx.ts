import { DriverOptionError, type DriverKind } from '../kind'
import { SC27XX_MAX_BRIGHTNESS, Sc27xxController, Sc27xxDriver } from '../sc27xx'
import { SC27XX_LINES } from '../sc27xx-regs'

interface Sc27xxKindOptions {
  /** LEDs naming the same controller share it (and its CTRL register); none: a controller of its own. */
  controller?: string
  line: number
}

const LINES = Array.from({ length: SC27XX_LINES }, (_, i) => String(i))

/**
 * `sc27xx[:CONTROLLER][:lineN]`: a line of a mock SC27xx breathing-light
 * controller. On the PMIC one controller drives three lines; LEDs that name
 * the same controller are its lines.
 */
export const sc27xxKind: DriverKind<Sc27xxKindOptions> = {
  kind: 'sc27xx',
  spelling: 'sc27xx[:CTRL][:lineN]',
  summary: `a mock SC27xx breathing light with hw_pattern; LEDs naming the same controller CTRL share it, on lines ${LINES.join(', ')} (default: a controller of its own, line 0)`,
  fields: ['controller', 'line'],
  fromText: (rest) => {
    const out: Record<string, unknown> = {}
    for (const tok of rest === undefined ? [] : rest.split(':')) {
      const m = /^line(.*)$/.exec(tok)
      if (m !== null) {
        if (out.line !== undefined) throw new DriverOptionError(`sc27xx:${rest ?? ''}: the line is given twice`)
        out.line = /^[0-9]+$/.test(m[1]) ? Number(m[1]) : m[1]
      } else {
        if (out.controller !== undefined) throw new DriverOptionError(`sc27xx:${rest ?? ''}: the controller is given twice (spell the driver sc27xx[:CTRL][:lineN])`)
        out.controller = tok
      }
    }
    return out
  },
  check: (f) => {
    if (f.controller !== undefined && (typeof f.controller !== 'string' || f.controller === '')) throw new DriverOptionError(`"controller" must be a non-empty name (got ${JSON.stringify(f.controller)})`)
    const line = f.line ?? 0
    if (typeof line !== 'number' || !LINES.includes(String(line))) throw new DriverOptionError(`"line" must be ${LINES.slice(0, -1).join(', ')} or ${LINES[LINES.length - 1]} (got ${JSON.stringify(line)})`)
    return { controller: f.controller as string | undefined, line }
  },
  // As leds-sc27xx-bltc registers its LEDs: max_brightness left at 255, default trigger pattern.
  maxBrightness: { fixed: SC27XX_MAX_BRIGHTNESS },
  defaultTrigger: 'pattern',
  claims: (o) => o.controller === undefined ? undefined : { key: `sc27xx ${o.controller} ${o.line}`, what: `line ${o.line} of sc27xx controller "${o.controller}"` },
  create: (o, ctx) => {
    const controller = o.controller === undefined ? undefined : ctx.shared(`sc27xx ${o.controller}`, () => new Sc27xxController())
    return { driver: new Sc27xxDriver({ controller, line: o.line }) }
  }
}
