// GET /_sandbox/events: the inbox's live push channel. Relays the sandbox event bus as
// server-sent events, with a heartbeat so proxies and browsers keep the stream open, and lets go
// of every subscription when the client leaves or the sandbox closes.
import type { ServerResponse } from 'node:http';
import type { SandboxContext } from '../context.js';
import type { RouteTable } from '../routes/table.js';

const HEARTBEAT_MS = 15_000;

export function registerEvents(routes: RouteTable, ctx: SandboxContext): void {
  const open = new Set<ServerResponse>();

  // Server close waits for open connections, and an event stream never ends on its own.
  routes.beforeClose(() => {
    for (const res of open) res.end();
    open.clear();
  });

  routes.control('GET', '/_sandbox/events', (request, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    // reconnect quickly after a sandbox restart
    res.write('retry: 2000\n\n');
    res.write('event: hello\ndata: {}\n\n');
    open.add(res);

    const unsubscribe = ctx.events.subscribe((event) => {
      res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
    });
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), HEARTBEAT_MS);
    heartbeat.unref();

    const cleanup = (): void => {
      clearInterval(heartbeat);
      unsubscribe();
      open.delete(res);
    };
    request.raw.on('close', cleanup);
    res.on('close', cleanup);
    res.on('error', cleanup);
  });
}
