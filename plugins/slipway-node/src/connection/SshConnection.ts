import { Client, ClientChannel } from 'ssh2';
import { InputError } from '@backstage/errors';
import { Command, toShell } from '../commands';
import {
  ConnectOptions,
  ExecOptions,
  ExecResult,
  HostConnection,
  SshHostConfig,
} from './types';
import { ConnectionFailedError, HostConnectionError, HostRef } from './errors';
import {
  checkHostKey,
  hostKeyAlgorithms,
  parsePinnedKey,
  PublicKey,
} from './hostKey';
import { connectError, lostError } from './sshErrors';
import { execute, ProcessEvents, StartedProcess } from './execution';
import { openRemoteProcess } from './RemoteProcess';
import { Semaphore } from './semaphore';

const DEFAULT_READY_TIMEOUT_MS = 15_000;

/**
 * sshd refuses sessions past its MaxSessions (10 by default) on one connection. Commands stay
 * below that so that the session needed to kill a command is always available.
 */
const MAX_CONCURRENT_COMMANDS = 8;

/** One SSH connection to a host, shared by all the commands of a job. */
export class SshConnection implements HostConnection {
  readonly hostName: string;
  private readonly sessions = new Semaphore(MAX_CONCURRENT_COMMANDS);
  /** Commands in flight; the process is known once its session is open. */
  private readonly running = new Map<
    ProcessEvents,
    StartedProcess | undefined
  >();
  private lost?: HostConnectionError;
  private readonly closed: Promise<void>;

  static async connect(
    config: SshHostConfig,
    options: ConnectOptions = {},
  ): Promise<SshConnection> {
    const host = {
      name: config.name,
      address: `${config.address}:${config.port}`,
    };
    const pinned = config.hostKey
      ? parsePinnedKey(host, config.hostKey)
      : undefined;
    const readyTimeoutMs = options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;

    return new Promise((resolve, reject) => {
      const client = new Client();
      let ready = false;
      // ssh2 reports a refused host key only as "Host denied (verification failed)", so the
      // verifier keeps the precise error for the user.
      let hostKeyError: HostConnectionError | undefined;
      const fail = (error: HostConnectionError) => {
        client.end();
        reject(hostKeyError ?? error);
      };
      client.once('ready', () => {
        ready = true;
        resolve(new SshConnection(client, host, options));
      });
      client.on('error', error => {
        if (!ready)
          fail(connectError(host, config.user, readyTimeoutMs, error));
      });
      client.once('close', () => {
        if (!ready) {
          fail(
            new ConnectionFailedError(
              host,
              'the SSH connection closed before it was ready',
            ),
          );
        }
      });
      try {
        client.connect({
          host: config.address,
          port: config.port,
          username: config.user,
          privateKey: config.privateKey,
          // Key authentication only: no password, keyboard-interactive or agent is offered.
          authHandler: ['publickey'],
          hostVerifier: (presented: Buffer) => {
            hostKeyError = checkHostKey(
              {
                host,
                pinned,
                insecureSkipHostKeyVerification:
                  config.insecureSkipHostKeyVerification,
                pinOnFirstUse: options.pinOnFirstUse,
                logger: options.logger,
              },
              presented,
            );
            return hostKeyError === undefined;
          },
          algorithms: serverHostKeyAlgorithms(pinned),
          readyTimeout: readyTimeoutMs,
          keepaliveInterval: 10_000,
          keepaliveCountMax: 3,
        });
      } catch (error) {
        // ssh2 throws here for a key it cannot parse; its messages do not contain the key.
        client.end();
        reject(
          new InputError(
            `Host ${host.name}: the private key for user ${
              config.user
            } cannot be used: ${(error as Error).message}`,
          ),
        );
      }
    });
  }

  private constructor(
    private readonly client: Client,
    private readonly host: HostRef,
    private readonly options: ConnectOptions,
  ) {
    this.hostName = host.name;
    client.on('error', error => this.drop(lostError(host, error)));
    this.closed = new Promise(resolve =>
      client.once('close', () => {
        this.drop(lostError(host));
        resolve();
      }),
    );
  }

  exec(command: Command, options: ExecOptions = {}): Promise<ExecResult> {
    return execute(
      this.host,
      command,
      options,
      this.options.commandTimeoutMs,
      (events, startSignal) =>
        this.start(command, options.stdin, events, startSignal),
    );
  }

  /** Also kills what is still running: nothing else would stop it on the host. */
  async close(): Promise<void> {
    const running = [...this.running.values()];
    this.drop(
      new ConnectionFailedError(this.host, 'the connection was closed'),
    );
    await Promise.all(running.map(proc => proc?.kill()));
    this.client.end();
    await this.closed;
  }

  private async start(
    command: Command,
    stdin: string | undefined,
    events: ProcessEvents,
    startSignal: AbortSignal,
  ): Promise<StartedProcess> {
    const commandLine = toShell(command);
    if (this.lost) throw this.lost;
    const release = await this.sessions.acquire(startSignal);
    if (this.lost) {
      release();
      throw this.lost;
    }
    this.running.set(events, undefined);
    try {
      const proc = await openRemoteProcess({
        host: this.host,
        program: command[0],
        commandLine,
        stdin,
        events,
        openChannel: line => this.openChannel(line),
        onClosed: () => {
          this.running.delete(events);
          release();
        },
      });
      if (this.running.has(events)) this.running.set(events, proc);
      return proc;
    } catch (error) {
      this.running.delete(events);
      release();
      throw error;
    }
  }

  private openChannel(commandLine: string): Promise<ClientChannel> {
    return new Promise((resolve, reject) => {
      try {
        this.client.exec(commandLine, (error, channel) =>
          error ? reject(error) : resolve(channel),
        );
      } catch (error) {
        // ssh2 throws synchronously when the connection is already gone.
        reject(error);
      }
    });
  }

  /** Fails every running command once: the connection is gone or going. */
  private drop(error: HostConnectionError) {
    this.lost ??= error;
    for (const events of this.running.keys()) events.failed(this.lost);
    this.running.clear();
  }
}

function serverHostKeyAlgorithms(pinned?: PublicKey) {
  const serverHostKey = pinned ? hostKeyAlgorithms(pinned) : undefined;
  return serverHostKey ? { serverHostKey } : undefined;
}
