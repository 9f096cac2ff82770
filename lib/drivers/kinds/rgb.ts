import { DriverOptionError, type DriverKind } from '../kind'
import { checkChannels, DEFAULT_CHANNELS, LED_COLORS_6_12 } from '../multicolor'
import { RgbDriver } from '../rgb'

/**
 * `rgb[:COLOR,COLOR,...]`: a memory-backed LED of the multicolor class, red,
 * green and blue unless the channel colours are given (config "channels").
 * The colour names are the kernel's; a kernel profile may know fewer.
 */
export const rgbKind: DriverKind<{ channels: string[] }> = {
  kind: 'rgb',
  spelling: 'rgb[:COLOR,...]',
  summary: `a multicolor (RGB) LED with multi_index and multi_intensity, channels ${DEFAULT_CHANNELS.join(',')} unless given (colours: ${LED_COLORS_6_12.join(', ')})`,
  fields: ['channels'],
  fromText: (rest) => rest === undefined ? {} : { channels: rest.split(',') },
  check: (f) => {
    const channels = f.channels ?? DEFAULT_CHANNELS
    if (!Array.isArray(channels) || !channels.every(c => typeof c === 'string')) throw new DriverOptionError(`"channels" must be a list of colour names (got ${JSON.stringify(channels)})`)
    const bad = checkChannels(channels as string[], LED_COLORS_6_12)
    if (bad !== undefined) throw new DriverOptionError(`"channels" ${bad}`)
    return { channels: [...channels as string[]] }
  },
  create: (o) => ({ driver: new RgbDriver(o.channels) })
}
