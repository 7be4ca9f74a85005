import { connect } from 'node:net';
import { useRunningStack } from './support/running-stack';

const GIVE_UP_MS = 6000;

/**
 * Opens a raw connection, lets `talk` write to it, and resolves with what the server sent and
 * how long after connecting the server closed it.
 */
async function connectionClosedBy(baseUrl: string, talk: (write: (text: string) => void) => () => void) {
  const { hostname, port } = new URL(baseUrl);
  const socket = connect(Number(port), hostname);
  const startedAt = Date.now();
  let received = '';
  socket.on('data', (chunk) => (received += chunk.toString()));
  const stopTalking = talk((text) => socket.writable && socket.write(text));
  try {
    await new Promise<void>((resolve, reject) => {
      const giveUp = setTimeout(() => reject(new Error(`the server kept the connection open for ${GIVE_UP_MS} ms`)), GIVE_UP_MS);
      socket.on('error', reject);
      socket.on('close', () => resolve(clearTimeout(giveUp)));
    });
    return { received, afterMs: Date.now() - startedAt };
  } finally {
    stopTalking();
    socket.destroy();
  }
}

describe('slow and idle clients', () => {
  const world = useRunningStack({ HTTP_REQUEST_TIMEOUT_MS: '3000', HTTP_CONNECTION_TIMEOUT_MS: '1000' }, 0);

  it('answers 408 to a request still arriving after HTTP_REQUEST_TIMEOUT_MS, however busy its sender', async () => {
    const { received, afterMs } = await connectionClosedBy(world.api, (write) => {
      write('GET /health/live HTTP/1.1\r\nHost: localhost\r\n');
      // A header line every 200 ms keeps the connection busy, so only the request timeout can end it.
      const trickle = setInterval(() => write('X-Slow: yes\r\n'), 200);
      return () => clearInterval(trickle);
    });
    expect(received).toMatch(/^HTTP\/1\.1 408/);
    expect(afterMs).toBeGreaterThanOrEqual(3000);
  });

  it('closes a connection that sends nothing for HTTP_CONNECTION_TIMEOUT_MS', async () => {
    const { received, afterMs } = await connectionClosedBy(world.api, () => () => undefined);
    expect(received).toBe('');
    expect(afterMs).toBeGreaterThanOrEqual(900);
    expect(afterMs).toBeLessThan(3000);
  });
});
