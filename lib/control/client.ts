import { connect } from 'node:net'
import { controlSocketPath, type ControlRequest, type ControlResponse } from './protocol'

/** Send one request to the mount at `mountDir` and wait for its answer. */
export async function controlRequest (mountDir: string, req: ControlRequest, timeoutMs = 10000): Promise<ControlResponse> {
  const path = controlSocketPath(mountDir)
  return await new Promise<ControlResponse>((resolve, reject) => {
    const sock = connect(path)
    let buf = ''
    const timer = setTimeout(() => { sock.destroy(); reject(new Error(`no answer from the ledfs mount at ${mountDir} within ${timeoutMs} ms`)) }, timeoutMs)
    sock.setEncoding('utf8')
    sock.on('connect', () => sock.write(JSON.stringify(req) + '\n'))
    sock.on('data', (d: string) => {
      buf += d
      const nl = buf.indexOf('\n')
      if (nl < 0) return
      clearTimeout(timer)
      sock.end()
      try { resolve(JSON.parse(buf.slice(0, nl)) as ControlResponse) } catch (e) { reject(e) }
    })
    sock.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      if (e.code === 'ENOENT' || e.code === 'ECONNREFUSED') reject(new Error(`no ledfs mount is running at ${mountDir} (nothing answers on its control socket)`))
      else reject(e)
    })
  })
}
