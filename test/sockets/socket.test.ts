import { expect, test } from "vitest";

import { AF_INET, AF_INET6, SOCK_DGRAM, SOCK_STREAM } from "../../src/sockets/constants";
import { DatagramSocket } from "../../src/sockets/datagram-socket";
import { socket } from "../../src/sockets/socket";
import { StreamSocket } from "../../src/sockets/stream-socket";

test("socket() with no arguments is an IPv4 stream socket, like socket(AF_INET, SOCK_STREAM)", () => {
  const sock = socket();
  expect(sock).toBeInstanceOf(StreamSocket);
  expect(sock.family).toBe(AF_INET);
  expect(sock.state).toBe("fresh");
});

test("socket(AF_INET6, SOCK_STREAM) is an IPv6 stream socket", () => {
  expect(socket(AF_INET6, SOCK_STREAM).family).toBe(AF_INET6);
});

test("socket(AF_INET, SOCK_DGRAM) is a datagram socket", () => {
  const udp = socket(AF_INET, SOCK_DGRAM);
  expect(udp).toBeInstanceOf(DatagramSocket);
  expect(udp.family).toBe(AF_INET);
});

test("every socket gets its own id", () => {
  expect(socket().id).not.toBe(socket().id);
});

test("an unknown family throws ERR_INVALID_ARGUMENT", () => {
  expect(() => socket("AF_UNIX" as never)).toThrow(
    expect.objectContaining({ code: "ERR_INVALID_ARGUMENT" }),
  );
});

test("arguments in the wrong order throw ERR_INVALID_ARGUMENT naming the family", () => {
  expect(() => socket(SOCK_STREAM as never, AF_INET as never)).toThrow(/the family is AF_INET/);
});

test("an unknown type throws ERR_INVALID_ARGUMENT naming the types", () => {
  expect(() => socket(AF_INET, "SOCK_RAW" as never)).toThrow(
    /SOCK_STREAM \(TCP\) or SOCK_DGRAM \(UDP\)/,
  );
});
