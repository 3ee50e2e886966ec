import { afterEach, expect, test, vi } from "vitest";
import { TIME_SCALE_VARIABLE } from "../src/exercise";
import { readUntilClosed } from "../src/exercise-peers";
import { encode } from "../src/text";
import { closeAll } from "../src/tracker";
import { connectedPair } from "./support/stream-pair";

afterEach(async () => {
  vi.unstubAllEnvs();
  await closeAll();
});

test("readUntilClosed returns every piece the peer sent, in order, once it closes", async () => {
  const { client, connection } = await connectedPair();
  const reading = readUntilClosed(client);
  for (const piece of ["you ", "are ", "127.0.0.1"]) {
    await connection.send(encode(piece));
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await connection.close();
  expect((await reading).toString()).toBe("you are 127.0.0.1");
});

test("readUntilClosed returns no bytes when the peer closes without sending", async () => {
  const { client, connection } = await connectedPair();
  await connection.close();
  expect((await readUntilClosed(client)).length).toBe(0);
});

test("readUntilClosed rejects with ERR_TIMEOUT, scaled by the time scale, when the peer never closes", async () => {
  vi.stubEnv(TIME_SCALE_VARIABLE, "2");
  const { client, connection } = await connectedPair();
  await connection.send(encode("half"));
  await expect(readUntilClosed(client, { timeout: 50 })).rejects.toMatchObject({
    code: "ERR_TIMEOUT",
    message: expect.stringMatching(/timed out after 100 ms/),
  });
});
