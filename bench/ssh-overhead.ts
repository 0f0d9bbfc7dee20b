/*
 * Diagnostic for the deploy benchmark: what one remote command costs over SSH on this machine,
 * through OpenSSH (a new connection per command, as `ssh host cmd`) and through Slipway's own
 * connection (one connection, one session channel per command, as a deploy job runs them), and
 * how much of it is the remote login shell starting (sshd runs every command through the
 * user's shell; Debian's bash also reads ~/.bashrc when started by sshd).
 *
 *   bash bench/deploy.sh --ssh-overhead [--runs N]
 */
import { connectToHost } from '@slipway/plugin-slipway-node';
import { sshArgs, startHarness, stopHarness } from '@slipway/test-harness';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';

const nowMs = () => performance.timeOrigin + performance.now();
function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
const f = (ms: number) => `${Math.round(ms)}`.padStart(5);

async function main() {
  const argv = process.argv.slice(2);
  const runsAt = argv.indexOf('--runs');
  const runs = runsAt >= 0 ? Math.max(1, Number(argv[runsAt + 1]) || 10) : 10;

  const harness = await startHarness();
  try {
    const ssh = sshArgs(harness.ssh);
    const shell = os.userInfo().shell ?? '?';
    const rc = path.join(os.homedir(), '.bashrc');
    console.log(
      `sshd 127.0.0.1:${
        harness.ssh.port
      }; remote login shell ${shell}; ~/.bashrc ${
        fs.existsSync(rc) ? `present (${fs.statSync(rc).size} bytes)` : 'absent'
      }; ${runs} samples each\n`,
    );

    // 1. OpenSSH, a new connection per command.
    const openssh: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = nowMs();
      const r = spawnSync('ssh', [...ssh, 'true']);
      if (r.status !== 0) throw new Error(`ssh true: ${r.stderr}`);
      openssh.push(nowMs() - t);
    }

    // 1b. The script's shape: the login shell runs `bash -s`, which reads the script on stdin.
    const scriptShape: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = nowMs();
      const r = spawnSync('ssh', [...ssh, 'bash -s'], { input: 'true\n' });
      if (r.status !== 0) throw new Error(`ssh bash -s: ${r.stderr}`);
      scriptShape.push(nowMs() - t);
    }

    // 2. Slipway's SshConnection: one connection, one session channel per command.
    const connects: number[] = [];
    const perCommand: number[] = [];
    const untilStart: number[] = [];
    const afterStart: number[] = [];
    for (let c = 0; c < Math.min(runs, 3); c++) {
      const t = nowMs();
      const conn = await connectToHost(
        {
          type: 'ssh',
          name: 'bench',
          address: harness.ssh.host,
          port: harness.ssh.port,
          user: harness.ssh.username,
          privateKey: harness.ssh.privateKey,
          hostKey: harness.ssh.hostPublicKey,
        },
        { commandTimeoutMs: 30_000 },
      );
      connects.push(nowMs() - t);
      try {
        for (let i = 0; i < runs; i++) {
          const t1 = nowMs();
          await conn.exec(['true']);
          perCommand.push(nowMs() - t1);
          // When does the command itself start? (date, not bash: bash would read ~/.bashrc again)
          const t2 = nowMs();
          const out = await conn.exec(['date', '+%s.%N']);
          const t3 = nowMs();
          const started = Number(out.stdout.trim()) * 1000;
          untilStart.push(started - t2);
          afterStart.push(t3 - started);
        }
      } finally {
        await conn.close();
      }
    }

    // 3. The remote shell's startup alone, measured on this machine (same user, same files).
    const rcTimes: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = nowMs();
      spawnSync('bash', ['-c', `[ -f ~/.bashrc ] && . ~/.bashrc; true`]);
      rcTimes.push(nowMs() - t);
    }
    const bare: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = nowMs();
      spawnSync('bash', ['--norc', '-c', 'true']);
      bare.push(nowMs() - t);
    }

    console.log('median ms');
    console.log(
      `${f(
        median(openssh),
      )}  OpenSSH: \`ssh host true\` (new connection each time)`,
    );
    console.log(
      `${f(
        median(scriptShape),
      )}  OpenSSH: \`ssh host 'bash -s' <<< true\` (the deploy script's shape)`,
    );
    console.log(
      `${f(
        median(connects),
      )}  Slipway SshConnection: connect (handshake + auth)`,
    );
    console.log(
      `${f(
        median(perCommand),
      )}  Slipway SshConnection: one command (\`true\`) on the open connection`,
    );
    console.log(
      `${f(
        median(untilStart),
      )}    of which: channel request -> the command starts (sshd session + login shell)`,
    );
    console.log(
      `${f(
        median(afterStart),
      )}    of which: the command starts -> its result is back`,
    );
    console.log(
      `${f(
        median(rcTimes),
      )}  locally: bash sourcing ~/.bashrc (what sshd's bash does before every command)`,
    );
    console.log(`${f(median(bare))}  locally: bash --norc -c true`);
  } finally {
    await stopHarness(harness);
  }
}

main().then(
  () => process.exit(0),
  error => {
    console.error(`ssh-overhead failed: ${error?.stack ?? error}`);
    process.exit(1);
  },
);
