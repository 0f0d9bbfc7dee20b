import { DeploymentStore } from '../database/DeploymentStore';
import { SecretMask } from './SecretMask';

/**
 * A deployment's log. Lines go to the database as they happen; every known secret value is
 * masked first, so env values never reach the log even if a build prints them.
 */
export class JobLog {
  private readonly mask = new SecretMask();
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly deployments: DeploymentStore,
    private readonly deploymentId: string,
    secrets: string[] = [],
  ) {
    this.addSecrets(secrets);
  }

  /** Masks values learnt during the job (a redeploy or rollback reads its env from the host). */
  addSecrets(values: string[]): void {
    this.mask.add(values);
  }

  redact(text: string): string {
    return this.mask.apply(text);
  }

  /** A step of the job, as the user reads it. */
  step(message: string): Promise<void> {
    return this.write('system', message);
  }

  output(stream: 'stdout' | 'stderr', line: string): void {
    void this.write(stream, line);
  }

  /** Writes are chained so lines keep their order even when output arrives in bursts. */
  write(stream: 'system' | 'stdout' | 'stderr', line: string): Promise<void> {
    const redacted = this.redact(line);
    this.pending = this.pending
      .then(() =>
        this.deployments.appendLog(this.deploymentId, stream, redacted),
      )
      .catch(() => undefined);
    return this.pending;
  }

  flush(): Promise<void> {
    return this.pending;
  }
}
