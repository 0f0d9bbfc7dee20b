import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run } from './exec';

/**
 * The examples build `FROM busybox:1.35`. No image registry is reachable here, so the harness
 * makes that image from Debian's busybox-static (the same BusyBox release) with `docker import`.
 * On a machine that pulled the real image, that one is used as it is.
 */
export const BASE_IMAGE = 'busybox:1.35';
const BUSYBOX = '/bin/busybox';

async function imageExists(tag: string): Promise<boolean> {
  try {
    await run('docker', ['image', 'inspect', '--format', '{{.Id}}', tag]);
    return true;
  } catch {
    return false;
  }
}

export async function ensureBaseImage(tag = BASE_IMAGE): Promise<string> {
  if (await imageExists(tag)) {
    return tag;
  }
  if (!fs.existsSync(BUSYBOX)) {
    throw new Error(
      `${BUSYBOX} is missing: run \`apt-get install -y busybox-static\` (./dev test does this for you).`,
    );
  }
  const rootfs = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-rootfs-'));
  try {
    for (const dir of ['bin', 'tmp', 'etc', 'www', 'root']) {
      fs.mkdirSync(path.join(rootfs, dir));
    }
    fs.copyFileSync(BUSYBOX, path.join(rootfs, 'bin/busybox'));
    fs.chmodSync(path.join(rootfs, 'bin/busybox'), 0o755);
    const applets = (await run(BUSYBOX, ['--list']))
      .split('\n')
      .filter(a => /^[a-z0-9_.[-]+$/.test(a) && a !== 'busybox');
    for (const applet of applets) {
      fs.symlinkSync('busybox', path.join(rootfs, 'bin', applet));
    }
    fs.writeFileSync(
      path.join(rootfs, 'etc/passwd'),
      'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n',
    );
    fs.writeFileSync(
      path.join(rootfs, 'etc/group'),
      'root:x:0:\nnogroup:x:65534:\n',
    );
    // The values reach the shell as positional parameters, never inside the script text.
    await run(
      'sh',
      [
        '-c',
        'tar -C "$1" -c . | docker import -c "$2" -c "$3" - "$4"',
        'sh',
        rootfs,
        'LABEL slipway.harness=base-image',
        'CMD ["sh"]',
        tag,
      ],
      { timeoutMs: 120_000 },
    );
    return tag;
  } finally {
    fs.rmSync(rootfs, { recursive: true, force: true });
  }
}
