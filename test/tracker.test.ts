import { connect as netConnect } from "node:net";

import { afterEach, describe, expect, test } from "vitest";

import { AF_INET, SOCK_DGRAM, SOCK_STREAM } from "../src/constants";
import { socket } from "../src/socket";
import { closeAll, openSockets } from "../src/tracker";
import { connectedPair, listeningServer } from "./support/stream-pair";

afterEach(async () => {
  await closeAll();
});

/** A client outside the helper, so that closeAll cannot close it: it only sees the effects. */
async function foreignClient(port: number) {
  const raw = netConnect({ host: "127.0.0.1", port });
  await new Promise((resolve, reject) => raw.once("connect", resolve).once("error", reject));
  const ended = new Promise<void>((resolve) => raw.once("close", () => resolve()));
  raw.on("error", () => {});
  raw.resume();
  return { raw, ended };
}

function tcpHandles(): number {
  return process
    .getActiveResourcesInfo()
    .filter((r) => r === "TCPSocketWrap" || r === "TCPServerWrap").length;
}

describe("openSockets", () => {
  test("lists the listener and both ends of a connection", async () => {
    const { server, client, connection } = await connectedPair();
    expect(openSockets()).toEqual(expect.arrayContaining([server, client, connection]));
    expect(openSockets()).toHaveLength(3);
  });

  test("forgets a socket once it is closed", async () => {
    const server = await listeningServer();
    await server.close();
    expect(openSockets()).not.toContain(server);
  });

  test("does not list a socket that holds nothing yet", async () => {
    const fresh = socket(AF_INET, SOCK_STREAM);
    await fresh.bind(0);
    expect(openSockets()).not.toContain(fresh);
  });
});

describe("closeAll", () => {
  test("closes every socket and resolves with how many it closed", async () => {
    const { server, client, connection } = await connectedPair();
    const udp = socket(AF_INET, SOCK_DGRAM);
    await udp.bind(0);
    expect(await closeAll()).toBe(4);
    for (const s of [server, client, connection, udp]) expect(s.state).toBe("closed");
    expect(openSockets()).toEqual([]);
  });

  test("frees the server's port: connecting to it afterwards is refused", async () => {
    const server = await listeningServer();
    await closeAll();
    await expect(socket().connect(["127.0.0.1", server.localPort])).rejects.toMatchObject({
      code: "ECONNREFUSED",
    });
  });

  test("closes accepted connections: the peer reads the end of the stream", async () => {
    const server = await listeningServer();
    const peer = await foreignClient(server.localPort);
    await server.accept();
    await closeAll();
    await peer.ended;
    expect(peer.raw.destroyed).toBe(true);
  });

  test("closes connections that were never accepted", async () => {
    const server = await listeningServer();
    const peer = await foreignClient(server.localPort);
    await closeAll();
    await peer.ended;
    expect(peer.raw.destroyed).toBe(true);
  });

  test("leaves no TCP handle open in the process", async () => {
    const before = tcpHandles();
    await connectedPair();
    await listeningServer();
    expect(tcpHandles()).toBeGreaterThan(before);
    await closeAll();
    expect(tcpHandles()).toBe(before);
  });
});

describe("re-running a cell that listens", () => {
  test("listening again on the same host and port closes the old listener instead of EADDRINUSE", async () => {
    const first = await listeningServer();
    const port = first.localPort;
    const second = socket(AF_INET, SOCK_STREAM);
    await second.bind(["127.0.0.1", port]);
    await second.listen(1);
    expect(first.state).toBe("closed");
    expect(second.localPort).toBe(port);
    const client = socket();
    await client.connect(["127.0.0.1", port]);
    const [, address] = await second.accept();
    expect(address).toEqual(client.getsockname());
  });

  test("the old listener's connections are closed too", async () => {
    const { server, client } = await connectedPair();
    const again = socket(AF_INET, SOCK_STREAM);
    await again.bind(["127.0.0.1", server.localPort]);
    await again.listen(1);
    expect((await client.recv(10)).length).toBe(0);
  });

  test("listening on all interfaces replaces a loopback listener on the same port", async () => {
    const first = await listeningServer();
    const again = socket(AF_INET, SOCK_STREAM);
    await again.bind(["", first.localPort]);
    await again.listen(1);
    expect(first.state).toBe("closed");
  });

  test("a listener on another port is left alone", async () => {
    const first = await listeningServer();
    await listeningServer();
    expect(first.state).toBe("listening");
  });

  test("binding a UDP port again closes the old UDP socket", async () => {
    const first = socket(AF_INET, SOCK_DGRAM);
    await first.bind(0);
    const again = socket(AF_INET, SOCK_DGRAM);
    await again.bind(["127.0.0.1", first.localPort]);
    expect(first.state).toBe("closed");
    expect(again.localPort).toBe(first.localPort);
  });

  test("a TCP listener and a UDP socket on the same port number do not replace each other", async () => {
    const tcp = await listeningServer();
    const udp = socket(AF_INET, SOCK_DGRAM);
    await udp.bind(["127.0.0.1", tcp.localPort]);
    expect(tcp.state).toBe("listening");
    expect(udp.state).toBe("bound");
  });
});
