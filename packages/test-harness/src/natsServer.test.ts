import net from 'node:net';
import { startNatsServer } from './natsServer';

const reachable = (port: number) =>
  new Promise<boolean>(resolve => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

describe('startNatsServer', () => {
  it('starts a private JetStream server that can be stopped and started again', async () => {
    const server = await startNatsServer();
    try {
      expect(server.url).toBe(`nats://127.0.0.1:${server.port}`);
      expect(server.port).not.toBe(4222);
      expect(await reachable(server.port)).toBe(true);
      await server.stop();
      expect(server.isRunning()).toBe(false);
      expect(await reachable(server.port)).toBe(false);
      await server.start();
      expect(await reachable(server.port)).toBe(true);
    } finally {
      await server.close();
    }
  }, 60_000);
});
