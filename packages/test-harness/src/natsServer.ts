import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort, startDaemon, stopProcess, waitFor } from './exec';

const NATS_SERVER = '/usr/sbin/nats-server';

/**
 * A private nats-server with JetStream on a free loopback port, for tests that stop and start
 * NATS: the machine's own server (127.0.0.1:4222) is shared and must stay up. The JetStream
 * store survives `stop()`/`start()`, as a real server's does across a restart.
 */
export type NatsServer = {
  url: string;
  port: number;
  storeDir: string;
  isRunning(): boolean;
  /** Stops the server (SIGTERM, then SIGKILL), keeping its store. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same store. */
  start(): Promise<void>;
  /** Stops it and removes its store. */
  close(): Promise<void>;
};

function answers(port: number): Promise<boolean | undefined> {
  return new Promise(resolve => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setTimeout(2000);
    socket.once('data', data => {
      socket.destroy();
      resolve(data.toString().startsWith('INFO ') ? true : undefined);
    });
    socket.once('error', () => resolve(undefined));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(undefined);
    });
  });
}

export async function startNatsServer(): Promise<NatsServer> {
  if (!fs.existsSync(NATS_SERVER)) {
    throw new Error(
      `${NATS_SERVER} is missing: run \`apt-get install -y nats-server\` (./dev test does this for you).`,
    );
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-nats-'));
  const storeDir = path.join(dir, 'jetstream');
  const port = await freePort();
  let pid: number | undefined;

  const start = async () => {
    const child = startDaemon(
      NATS_SERVER,
      ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir],
      path.join(dir, 'nats-server.log'),
    );
    pid = child.pid;
    await waitFor('nats-server to answer', () => answers(port), 20_000, 100);
  };
  const stop = async () => {
    if (pid) await stopProcess(pid, 10_000);
    pid = undefined;
  };
  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDir,
    isRunning: () => pid !== undefined,
    start,
    stop,
    async close() {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
