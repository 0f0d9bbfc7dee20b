import { IacTool } from '@slipway/plugin-slipway-node';
import fs from 'node:fs';
import path from 'node:path';
import type { InfraLog } from './InfraLog';
import type { InfraSettings } from './InfraSettings';
import { HOST_BACKEND_FILE, hostBackendSetting } from './remoteState';
import { moduleUsesAws, rootModule } from './rootModule';

/**
 * The host's working directory with its root module and, for a remote backend, the file that
 * gives the host its own state there; then `init`. Provision and destroy both start here, so a
 * destroy on a replica that never saw the host reads the same state.
 */
export async function initWorkDir(
  settings: InfraSettings,
  tool: IacTool,
  name: string,
  log: InfraLog,
  signal: AbortSignal,
): Promise<string> {
  const dir = path.join(settings.workDir, name);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { modulePath, backend, backendConfigFiles } = settings;
  fs.writeFileSync(
    path.join(dir, 'main.tf.json'),
    JSON.stringify(
      rootModule({
        modulePath,
        backend,
        awsProvider: moduleUsesAws(modulePath),
      }),
      null,
      2,
    ),
  );
  const perHost = hostBackendSetting(backend, name);
  if (perHost) {
    fs.writeFileSync(
      path.join(dir, HOST_BACKEND_FILE),
      `${perHost.key} = ${JSON.stringify(perHost.value)}\n`,
    );
  }
  await log.write(
    `Initializing ${dir} (${
      backend && backend !== 'local'
        ? `state in the ${backend} backend${
            perHost ? `, ${perHost.key} = ${perHost.value}` : ''
          }`
        : 'local state in this directory'
    })`,
  );
  await tool.init({
    workDir: dir,
    onProgress: line => void log.write(line, 'stdout'),
    signal,
    // Last, so that the host's own key wins over one in the shared files.
    backendConfigFiles: perHost
      ? [...backendConfigFiles, HOST_BACKEND_FILE]
      : backendConfigFiles,
  });
  return dir;
}
