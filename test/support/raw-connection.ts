import net from 'node:net';

/** One keep-alive connection driven byte by byte, as a browser or a pooled HTTP client would reuse it. */
export class RawConnection {
  private readonly socket: net.Socket;
  private buffer = Buffer.alloc(0);
  private waiting: (() => void) | undefined;
  closed = false;

  constructor(url: string) {
    const { port } = new URL(url);
    this.socket = net.connect(Number(port), '127.0.0.1');
    this.socket.on('data', (d: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, d]);
      this.waiting?.();
    });
    const gone = () => {
      this.closed = true;
      this.waiting?.();
    };
    this.socket.on('end', gone).on('close', gone);
    // The server may reset after its answer (it does not read the rest of a refused body).
    this.socket.on('error', gone);
  }

  write(data: string | Buffer) {
    return new Promise<void>((resolve) => this.socket.write(data, () => resolve()));
  }

  private changed(ms: number) {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.waiting = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** The next complete response, or null when none arrives within `ms`. */
  async response(ms = 5_000): Promise<{ status: number; headers: Record<string, string>; body: string } | null> {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end >= 0) {
        const [statusLine, ...lines] = this.buffer.subarray(0, end).toString('latin1').split('\r\n');
        const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
        const length = Number(headers['content-length']);
        if (this.buffer.length >= end + 4 + length) {
          const body = this.buffer.subarray(end + 4, end + 4 + length).toString('utf8');
          this.buffer = this.buffer.subarray(end + 4 + length);
          return { status: Number(statusLine!.split(' ')[1]), headers, body };
        }
      }
      if (this.closed) return null;
      await this.changed(deadline - Date.now());
    }
    return null;
  }

  /** Whether the server closed the connection within `ms`. */
  async closedWithin(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!this.closed && Date.now() < deadline) await this.changed(deadline - Date.now());
    return this.closed;
  }

  destroy() {
    this.socket.destroy();
  }
}

/** A POST to /graphql as raw HTTP/1.1: the head lines, then the body (which may be a part of what the head declares). */
export function request(head: string[], body = '') {
  return `${['POST /graphql HTTP/1.1', 'host: 127.0.0.1', ...head].join('\r\n')}\r\n\r\n${body}`;
}
