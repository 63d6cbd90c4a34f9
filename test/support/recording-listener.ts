import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

// A server that records whatever reaches it, and answers an empty OData page: the place no request,
// and above all no token, may ever reach in a correct service.

export interface RecordingListener {
  origin: string;
  received: { url: string; authorization: string | undefined }[];
  stop(): Promise<void>;
}

export async function startRecordingListener(): Promise<RecordingListener> {
  const received: RecordingListener['received'] = [];
  const server = createServer((request, response) => {
    received.push({ url: request.url ?? '', authorization: request.headers.authorization });
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"value":[]}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
