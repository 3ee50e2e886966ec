import { connect as netConnect } from "node:net";

import { afterEach, describe, expect, test } from "vitest";

import { AF_INET, SOCK_DGRAM, SOCK_STREAM } from "../../src/sockets/constants";
import { closeAll, openSockets } from "../../src/sockets/open-sockets";
import { socket } from "../../src/sockets/socket";
import { connectedPair, listeningServer } from "../support/stream-pair";

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

describe("the tracker's internals", () => {
  test("are not members a notebook sees on a socket: no release, heldPort or unrecv", () => {
    for (const s of [socket(AF_INET, SOCK_STREAM), socket(AF_INET, SOCK_DGRAM)]) {
      for (const name of ["release", "heldPort", "unrecv"]) expect(name in s).toBe(false);
    }
  });
});
