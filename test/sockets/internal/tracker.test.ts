import { afterEach, describe, expect, test } from "vitest";

import { AF_INET, SOCK_DGRAM, SOCK_STREAM } from "../../../src/sockets/constants";
import { closeAll } from "../../../src/sockets/open-sockets";
import { socket } from "../../../src/sockets/socket";
import { connectedPair, listeningServer } from "../../support/stream-pair";

afterEach(async () => {
  await closeAll();
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
