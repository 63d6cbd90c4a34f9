import { randomUUID } from 'node:crypto';
import { request as httpRequest, createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunningAzurite } from './local-stack';

// A pass-through HTTP proxy in front of Azurite's queue and table endpoints, so a test can make
// storage misbehave the way Azure does under failure: deliver a queue message twice (at-least-once
// delivery), or fail a write in the middle of a handler. Nothing in the app knows it is there.

export interface ProxiedRequest {
  service: 'queue' | 'table';
  method: string;
  /** Path and query, e.g. /devstoreaccount1/insights-bucket/messages */
  path: string;
  body: string;
}

/** forward: as sent; duplicate: sent twice (the client sees the second answer); fail: answered by the proxy. */
/**
 * `lose`: a queue send that the sender sees succeed but that never reaches the queue (answered by the
 * proxy as Azure Storage answers a send), as a message lost between a commit and its send.
 */
export type ProxyAction = 'forward' | 'duplicate' | 'lose' | { fail: number };

export interface StorageProxy {
  /** Azurite's connection string with the queue and table endpoints replaced by the proxy's. */
  connectionString: string;
  /** Decides what happens to each request; replace it at any time. */
  decide: (request: ProxiedRequest) => ProxyAction;
  stop(): Promise<void>;
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export async function startStorageProxy(azurite: RunningAzurite): Promise<StorageProxy> {
  const proxy: StorageProxy = { connectionString: '', decide: () => 'forward', stop: async () => undefined };

  const serve = async (service: ProxiedRequest['service'], target: URL) => {
    const server = createServer((incoming, outgoing) => void relay(incoming, outgoing));
    const relay = async (incoming: IncomingMessage, outgoing: ServerResponse) => {
      const chunks: Buffer[] = [];
      for await (const chunk of incoming) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks);
      const path = incoming.url ?? '/';
      const action = proxy.decide({ service, method: incoming.method ?? 'GET', path, body: body.toString('utf8') });
      try {
        if (typeof action === 'object') {
          const payload = JSON.stringify({ 'odata.error': { code: 'ServerBusy', message: { lang: 'en-US', value: 'The server is busy (injected by the test proxy).' } } });
          outgoing.writeHead(action.fail, { 'content-type': 'application/json', 'x-ms-error-code': 'ServerBusy' }).end(payload);
          return;
        }
        if (action === 'lose') {
          const now = new Date();
          const later = new Date(now.getTime() + 7 * 24 * 3600 * 1000).toUTCString();
          const xml =
            '<?xml version="1.0" encoding="utf-8"?><QueueMessagesList><QueueMessage>' +
            `<MessageId>${randomUUID()}</MessageId><InsertionTime>${now.toUTCString()}</InsertionTime><ExpirationTime>${later}</ExpirationTime>` +
            `<PopReceipt>${Buffer.from(randomUUID()).toString('base64')}</PopReceipt><TimeNextVisible>${now.toUTCString()}</TimeNextVisible>` +
            '</QueueMessage></QueueMessagesList>';
          outgoing
            .writeHead(201, { 'content-type': 'application/xml', 'x-ms-request-id': randomUUID(), 'x-ms-version': String(incoming.headers['x-ms-version'] ?? ''), date: now.toUTCString() })
            .end(xml);
          return;
        }
        const send = () => forward(target, incoming.method ?? 'GET', path, incoming.headers, body);
        let answer = await send();
        if (action === 'duplicate') answer = await send();
        outgoing.writeHead(answer.status, answer.headers).end(answer.body);
      } catch {
        outgoing.destroy();
      }
    };
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { server, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}${target.pathname}` };
  };

  const queue = await serve('queue', new URL(azurite.queueEndpoint));
  const table = await serve('table', new URL(azurite.tableEndpoint));
  proxy.connectionString = azurite.connectionString
    .replace(/QueueEndpoint=[^;]+/, `QueueEndpoint=${queue.endpoint}`)
    .replace(/TableEndpoint=[^;]+/, `TableEndpoint=${table.endpoint}`);
  proxy.stop = async () => {
    for (const { server } of [queue, table]) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  };
  return proxy;
}

function forward(target: URL, method: string, path: string, headers: IncomingHttpHeaders, body: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: target.hostname, port: target.port, method, path, headers: { ...headers, host: target.host } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 502, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}
