/**
 * Electron's pages and their run services, without Electron: each window has at most one client,
 * that of the document that last asked for a port. A new ask drops the window's earlier client
 * (its run cancelled and joined) — a new ask means a new document — and a client whose port closes
 * is dropped too. The glue in src/main checks who asks and moves the port; the tests drive this
 * class with Node's MessageChannel.
 */
import type { OpenFileMessage } from '../shared/api'
import { NONCE_PATTERN, type PortGrant } from '../shared/ipc'
import { servePort, type PortLike, type PortServer } from '../shared/port-transport'
import type { RefusalLog } from '../shared/transport'
import type { RunService } from './run-service'

interface Client {
  service: RunService
  server: PortServer
}

export class PageClients {
  private readonly clients = new Map<number, Client>()

  constructor(
    private readonly newService: () => RunService,
    private readonly log: RefusalLog,
  ) {}

  /**
   * Window `id`'s document asks with `nonce`: serves a new run service on a new channel and returns
   * what to post back to that document (the grant, and the page's end of the channel), or null when
   * the nonce is malformed (logged once).
   */
  connect<P>(
    id: number,
    nonce: unknown,
    channel: () => { host: PortLike; page: P },
  ): { grant: PortGrant; page: P } | null {
    if (typeof nonce !== 'string' || !NONCE_PATTERN.test(nonce)) {
      this.log('threadlab: connect refused: E_BAD_REQUEST: the nonce is malformed')
      return null
    }
    void this.disconnect(id)
    const { host, page } = channel()
    const service = this.newService()
    const client: Client = {
      service,
      server: servePort(host, service, {
        log: this.log,
        client: `window ${id}'s page`,
        onClose: () => void this.drop(id, client),
      }),
    }
    this.clients.set(id, client)
    return { grant: { nonce }, page }
  }

  /** Whether window `id` has a connected page now. */
  has(id: number): boolean {
    return this.clients.has(id)
  }

  /** Sends a file named on the command line to window `id`'s page; false when it has none. */
  sendFile(id: number, file: OpenFileMessage): boolean {
    const client = this.clients.get(id)
    client?.server.emit('openFile', file)
    return client !== undefined
  }

  /** Drops window `id`'s client (navigation, crash, window gone): its run is cancelled and joined. */
  disconnect(id: number): Promise<void> {
    const client = this.clients.get(id)
    return client ? this.drop(id, client) : Promise.resolve()
  }

  disconnectAll(): Promise<void> {
    return Promise.all([...this.clients.keys()].map((id) => this.disconnect(id))).then(() => undefined)
  }

  private drop(id: number, client: Client): Promise<void> {
    if (this.clients.get(id) === client) this.clients.delete(id)
    client.server.close()
    return client.service
      .dispose()
      .catch((e) => this.log(`threadlab: stopping a page's run failed: ${(e as Error).message}`))
  }
}
