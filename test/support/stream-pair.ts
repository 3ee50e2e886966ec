/** Test support: real TCP sockets on loopback, port 0. */
import { AF_INET, SOCK_STREAM } from "../../src/sockets/constants";
import { socket } from "../../src/sockets/socket";
import type { StreamSocket } from "../../src/sockets/stream-socket";

/** A server socket bound to 127.0.0.1 on a free port and listening. */
export async function listeningServer(): Promise<StreamSocket> {
  const server = socket(AF_INET, SOCK_STREAM);
  await server.bind(["127.0.0.1", 0]);
  await server.listen(8);
  return server;
}

/** A listening server, a connected client, and the server's side of that connection. */
export async function connectedPair(): Promise<{
  server: StreamSocket;
  client: StreamSocket;
  connection: StreamSocket;
}> {
  const server = await listeningServer();
  const client = socket(AF_INET, SOCK_STREAM);
  await client.connect(["127.0.0.1", server.localPort], { timeout: 5000 });
  const [connection] = await server.accept({ timeout: 5000 });
  return { server, client, connection };
}

/** A port on which nothing listens: listen on port 0, read the port, close. */
export async function refusedPort(): Promise<number> {
  const server = await listeningServer();
  const port = server.localPort;
  await server.close();
  return port;
}

/** Reads until the peer closes, returning everything. */
export async function recvAll(sock: StreamSocket, chunk = 65536): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (;;) {
    const data = await sock.recv(chunk);
    if (data.length === 0) return Buffer.concat(parts);
    parts.push(data);
  }
}
