/**
 * A minimal HTTP/1.1 keep-alive client for the load generator: requests are written as prepared bytes, up to
 * `depth` of them pipelined on one connection (answers come back in order), so that the generator costs far less
 * CPU per request than node:http's client and is not what limits 10,000 small POSTs/s.
 */
import net from "node:net";

export interface HttpAnswer {
  status: number;
  body: Buffer;
}

interface Waiting {
  resolve(answer: HttpAnswer): void;
  reject(err: Error): void;
}

const HEADER_END = Buffer.from("\r\n\r\n");

/**
 * One complete response at the start of `buf`, or undefined if more bytes are needed.
 * Handles Content-Length and chunked bodies (no trailers), which is all a Node server sends.
 */
export function parseResponse(buf: Buffer): { answer: HttpAnswer; used: number } | undefined {
  const headEnd = buf.indexOf(HEADER_END);
  if (headEnd < 0) return undefined;
  const head = buf.toString("latin1", 0, headEnd);
  const status = Number(head.slice(9, 12));
  const bodyStart = headEnd + 4;
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (length) {
    const end = bodyStart + Number(length[1]);
    return end <= buf.length ? { answer: { status, body: buf.subarray(bodyStart, end) }, used: end } : undefined;
  }
  if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
    const parts: Buffer[] = [];
    let at = bodyStart;
    for (;;) {
      const lineEnd = buf.indexOf("\r\n", at);
      if (lineEnd < 0) return undefined;
      const size = parseInt(buf.toString("latin1", at, lineEnd), 16);
      const dataEnd = lineEnd + 2 + size;
      if (dataEnd + 2 > buf.length) return undefined;
      if (size === 0) return { answer: { status, body: Buffer.concat(parts) }, used: dataEnd + 2 };
      parts.push(buf.subarray(lineEnd + 2, dataEnd));
      at = dataEnd + 2;
    }
  }
  // No body framing (204, 304): the head is the whole answer.
  return { answer: { status, body: Buffer.alloc(0) }, used: bodyStart };
}

class Connection {
  private readonly socket: net.Socket;
  private readonly waiting: Waiting[] = [];
  private received: Buffer = Buffer.alloc(0);
  closed = false;
  lastUsedMs = Date.now();

  constructor(host: string, port: number) {
    this.socket = net.connect({ host, port, noDelay: true });
    this.socket.on("data", (chunk: Buffer) => this.onData(chunk));
    this.socket.on("error", (err) => this.fail(err));
    this.socket.on("close", () => this.fail(new Error("connection closed by the server")));
  }

  get inFlight(): number {
    return this.waiting.length;
  }

  send(head: Buffer, body: Buffer): Promise<HttpAnswer> {
    this.lastUsedMs = Date.now();
    return new Promise<HttpAnswer>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.socket.cork();
      this.socket.write(head);
      if (body.length) this.socket.write(body);
      this.socket.uncork();
    });
  }

  private onData(chunk: Buffer): void {
    this.received = this.received.length ? Buffer.concat([this.received, chunk]) : chunk;
    for (;;) {
      const parsed = parseResponse(this.received);
      if (!parsed) return;
      this.received = this.received.subarray(parsed.used);
      this.waiting.shift()?.resolve(parsed.answer);
    }
  }

  private fail(err: Error): void {
    this.closed = true;
    for (const w of this.waiting.splice(0)) w.reject(err);
  }

  destroy(): void {
    this.closed = true;
    this.socket.destroy();
  }
}

/** Idle connections are closed here well before the server's keep-alive timeout (Node: 5 s) could close one under a request. */
const IDLE_CLOSE_MS = 2000;

export interface PipelineOptions {
  /** Most open connections. */
  connections: number;
  /** Requests in flight on one connection before another is opened (1 = keep-alive without pipelining). */
  depth: number;
}

export class PipelinedHttpClient {
  private readonly pool: Connection[] = [];

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly opts: PipelineOptions,
  ) {}

  /** The least busy open connection; a new one while all have `depth` in flight and the pool has room. */
  private pick(): Connection {
    const now = Date.now();
    for (let i = this.pool.length - 1; i >= 0; i--) {
      const c = this.pool[i];
      if (!c.closed && c.inFlight === 0 && now - c.lastUsedMs > IDLE_CLOSE_MS) c.destroy();
      if (c.closed) this.pool.splice(i, 1);
    }
    let best: Connection | undefined;
    for (const c of this.pool) if (!best || c.inFlight < best.inFlight) best = c;
    if (!best || (best.inFlight >= this.opts.depth && this.pool.length < this.opts.connections)) {
      best = new Connection(this.host, this.port);
      this.pool.push(best);
    }
    return best;
  }

  /** `head`: the request line and headers with the closing blank line; `body`: exactly Content-Length bytes. */
  request(head: Buffer, body: Buffer): Promise<HttpAnswer> {
    return this.pick().send(head, body);
  }

  close(): void {
    for (const c of this.pool.splice(0)) c.destroy();
  }
}

/** The request line and headers of a POST, ready to write. */
export function postHead(host: string, path: string, contentType: string, length: number, authorization: string): Buffer {
  return Buffer.from(
    `POST ${path} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: ${contentType}\r\nContent-Length: ${length}\r\nAuthorization: ${authorization}\r\nConnection: keep-alive\r\n\r\n`,
    "latin1",
  );
}
