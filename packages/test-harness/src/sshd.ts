import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort, run, startDaemon, stopProcess, waitFor } from './exec';

export type SshServer = {
  host: string;
  port: number;
  username: string;
  /** Path and content of the throwaway user key (OpenSSH format, no passphrase). */
  privateKeyPath: string;
  privateKey: string;
  /** The server's host key as `ssh-ed25519 AAAA...`, for pinning. */
  hostPublicKey: string;
  /** A known_hosts file that pins the host key, for the OpenSSH client. */
  knownHostsPath: string;
  pid: number;
};

const SSHD = '/usr/sbin/sshd';

function bannerAnswers(port: number): Promise<boolean | undefined> {
  return new Promise(resolve => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setTimeout(2000);
    socket.once('data', data => {
      socket.destroy();
      resolve(data.toString().startsWith('SSH-') ? true : undefined);
    });
    socket.once('error', () => resolve(undefined));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(undefined);
    });
  });
}

/**
 * Starts Debian's sshd on a free loopback port with throwaway host and user keys in `dir`.
 * Only key authentication is enabled, as on a Slipway host.
 */
export async function startSshd(dir: string): Promise<SshServer> {
  if (!fs.existsSync(SSHD)) {
    throw new Error(
      `${SSHD} is missing: run \`apt-get install -y openssh-server\` (./dev test does this for you).`,
    );
  }
  fs.mkdirSync(dir, { recursive: true });
  const hostKey = path.join(dir, 'ssh_host_ed25519_key');
  const userKey = path.join(dir, 'id_ed25519');
  await run('ssh-keygen', [
    '-q',
    '-t',
    'ed25519',
    '-N',
    '',
    '-C',
    'slipway-test-host',
    '-f',
    hostKey,
  ]);
  await run('ssh-keygen', [
    '-q',
    '-t',
    'ed25519',
    '-N',
    '',
    '-C',
    'slipway-test-user',
    '-f',
    userKey,
  ]);
  const authorizedKeys = path.join(dir, 'authorized_keys');
  fs.copyFileSync(`${userKey}.pub`, authorizedKeys);
  fs.chmodSync(authorizedKeys, 0o600);

  // sshd insists on its privilege separation directory.
  fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });

  const port = await freePort();
  const config = path.join(dir, 'sshd_config');
  fs.writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${authorizedKeys}`,
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'StrictModes no',
      'UsePAM no',
      'MaxSessions 50',
      'MaxStartups 50:30:100',
      'AcceptEnv LANG LC_*',
      // bash sources ~/.bashrc for commands sshd runs at shell level 1; the harness logs in as
      // whoever runs the tests, whose .bashrc (pyenv, nvm...) would add a second or so to every
      // session. At level 2 it does not, so tests time Slipway, not the developer's dotfiles.
      'SetEnv SHLVL=1',
      'Subsystem sftp internal-sftp',
      '',
    ].join('\n'),
  );
  const child = startDaemon(
    SSHD,
    ['-D', '-e', '-f', config],
    path.join(dir, 'sshd.log'),
  );
  if (!child.pid) throw new Error('sshd did not start');
  await waitFor('sshd to answer', () => bannerAnswers(port), 15_000);

  const hostPublicKey = fs
    .readFileSync(`${hostKey}.pub`, 'utf8')
    .trim()
    .split(' ')
    .slice(0, 2)
    .join(' ');
  const knownHostsPath = path.join(dir, 'known_hosts');
  fs.writeFileSync(knownHostsPath, `[127.0.0.1]:${port} ${hostPublicKey}\n`);
  return {
    host: '127.0.0.1',
    port,
    username: os.userInfo().username,
    privateKeyPath: userKey,
    privateKey: fs.readFileSync(userKey, 'utf8'),
    hostPublicKey,
    knownHostsPath,
    pid: child.pid,
  };
}

export async function stopSshd(server: Pick<SshServer, 'pid'>): Promise<void> {
  await stopProcess(server.pid);
}

/** argv for the OpenSSH client that talks to this server with the pinned host key. */
export function sshArgs(server: SshServer): string[] {
  return [
    '-i',
    server.privateKeyPath,
    '-p',
    String(server.port),
    '-o',
    'BatchMode=yes',
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    `UserKnownHostsFile=${server.knownHostsPath}`,
    '-o',
    'IdentitiesOnly=yes',
    `${server.username}@${server.host}`,
  ];
}
