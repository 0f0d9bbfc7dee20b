/**
 * Acceptance: the REAL terraform (or tofu) found on PATH, against a tiny module that needs no
 * provider download (`terraform_data` comes with the tool). Skipped, and says so, when
 * neither is installed.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, promises as fs, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { IacCancelledError } from './errors';
import { TerraformRunner } from './TerraformRunner';

function findOnPath(names: string[]): string | undefined {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const name of names) {
    for (const dir of dirs) {
      const candidate = path.join(dir, name);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

const realBinary = findOnPath(['terraform', 'tofu']);
const SKIPPED = '(SKIPPED: neither terraform nor tofu is on PATH)';

const MODULE = `
variable "host_name" {
  type = string
}

variable "api_token" {
  type      = string
  sensitive = true
}

resource "terraform_data" "host" {
  input = var.host_name
}

resource "terraform_data" "token_check" {
  input = sha256(var.api_token)
}

output "host_name" {
  value = terraform_data.host.output
}

output "api_token" {
  value     = var.api_token
  sensitive = true
}
`;

const SLOW_MODULE = `
resource "terraform_data" "slow" {
  provisioner "local-exec" {
    command = "sleep 30"
  }
}
`;

const TOKEN = 'acceptance-token-8d1e77';

// Each group is skipped as a whole when its condition does not hold; the titles say why.
const describeWithRealBinary = realBinary ? describe : describe.skip;
const describeWithoutRealBinary = realBinary ? describe.skip : describe;

// One of these two always runs, so that the output says plainly whether the real tool was
// found (Jest prints nothing at all for a file whose tests are all skipped); the other one is
// listed as skipped.
describe('IaC acceptance prerequisites', () => {
  describeWithRealBinary(`${realBinary ?? 'terraform or tofu'} on PATH`, () => {
    it('is an executable file that runs as the IaC tool', () => {
      const binary = realBinary!;
      expect(path.isAbsolute(binary)).toBe(true);
      expect(statSync(binary).isFile()).toBe(true);
      expect(() => accessSync(binary, constants.X_OK)).not.toThrow();
      const version = spawnSync(binary, ['version'], {
        encoding: 'utf8',
        env: { ...process.env, CHECKPOINT_DISABLE: '1' },
      });
      expect(version.error).toBeUndefined();
      expect(version.stdout).toMatch(/^(Terraform|OpenTofu) v\d+\.\d+/);
    });
  });

  describeWithoutRealBinary('neither terraform nor tofu on PATH', () => {
    it('is so, and the acceptance tests are SKIPPED', () => {
      // eslint-disable-next-line no-console
      console.warn(
        'Slipway IaC acceptance tests SKIPPED: neither terraform nor tofu is on PATH; ' +
          'install one of them to run these tests against the real tool.',
      );
      // The skip is right only if the system cannot run either one by its name either.
      for (const name of ['terraform', 'tofu']) {
        const run = spawnSync(name, ['version'], {
          env: { ...process.env, CHECKPOINT_DISABLE: '1' },
        });
        expect({ name, runs: run.error === undefined }).toEqual({
          name,
          runs: false,
        });
      }
    });
  });
});

describeWithRealBinary(
  `TerraformRunner with the real ${
    realBinary ? path.basename(realBinary) : `terraform ${SKIPPED}`
  }`,
  () => {
    let workDir: string;
    const env = {
      // No update check over the network from tests.
      CHECKPOINT_DISABLE: '1',
    };

    beforeEach(async () => {
      workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'slipway-iac-real-'));
    });

    afterEach(async () => {
      await fs.rm(workDir, { recursive: true, force: true });
    });

    it(`runs the real terraform: init, plan, apply, output, destroy ${
      realBinary ? `(${realBinary})` : SKIPPED
    }`, async () => {
      await fs.writeFile(path.join(workDir, 'main.tf'), MODULE);
      const runner = new TerraformRunner({ binary: realBinary });
      const lines: string[] = [];
      const call = { workDir, env, onProgress: (l: string) => lines.push(l) };
      const variables = { host_name: 'docker-1', api_token: TOKEN };
      const sensitiveVars = ['api_token'];

      await runner.init(call);
      expect(await runner.stateResources(call)).toEqual([]);

      const plan = await runner.plan({ ...call, variables, sensitiveVars });
      expect(plan.summary).toEqual({ add: 2, change: 0, remove: 0, import: 0 });
      expect(plan.hasChanges).toBe(true);
      expect(
        plan.resourceChanges.map(c => [c.address, c.actions]).sort(),
      ).toEqual([
        ['terraform_data.host', ['create']],
        ['terraform_data.token_check', ['create']],
      ]);
      expect(lines).toContain('Plan: 2 to add, 0 to change, 0 to destroy.');

      const apply = await runner.apply(plan.planFile, {
        ...call,
        variables,
        sensitiveVars,
      });
      expect(apply.summary).toEqual({
        add: 2,
        change: 0,
        remove: 0,
        import: 0,
      });
      expect(lines).toEqual(
        expect.arrayContaining([
          expect.stringMatching(
            /^terraform_data\.host: Creation complete after \d+s \[id=.+\]$/,
          ),
          'Apply complete! Resources: 2 added, 0 changed, 0 destroyed.',
        ]),
      );

      expect((await runner.stateResources(call)).sort()).toEqual([
        'terraform_data.host',
        'terraform_data.token_check',
      ]);

      const outputs = await runner.outputs(call);
      expect(outputs.host_name).toEqual({
        value: 'docker-1',
        sensitive: false,
        type: 'string',
      });
      expect(outputs.api_token).toEqual({
        value: TOKEN,
        sensitive: true,
        type: 'string',
      });

      const destroyed = await runner.destroy({
        ...call,
        variables,
        sensitiveVars,
      });
      expect(destroyed.summary.remove).toBe(2);
      expect(lines).toContain('Destroy complete! Resources: 2 destroyed.');
      expect(await runner.outputs(call)).toEqual({});
      expect(await runner.stateResources(call)).toEqual([]);

      expect(lines.join('\n')).not.toContain(TOKEN);
      // Neither the var file nor the plan file stays behind with the token in it.
      const left = await fs.readdir(workDir);
      expect(left).not.toContain('slipway.auto.tfvars.json');
      expect(left).not.toContain('slipway.tfplan');
    }, 120_000);

    it(`stops the real terraform gracefully with SIGINT ${
      realBinary ? `(${realBinary})` : SKIPPED
    }`, async () => {
      await fs.writeFile(path.join(workDir, 'main.tf'), SLOW_MODULE);
      const runner = new TerraformRunner({
        binary: realBinary,
        killGraceMs: 15_000,
      });
      const lines: string[] = [];
      const controller = new AbortController();
      const call = {
        workDir,
        env,
        onProgress: (l: string) => {
          lines.push(l);
          if (l.includes('(local-exec): Executing')) controller.abort();
        },
      };
      await runner.init(call);
      const plan = await runner.plan(call);
      const started = Date.now();
      const error = await runner
        .apply(plan.planFile, { ...call, signal: controller.signal })
        .catch(e => e);
      expect(error).toBeInstanceOf(IacCancelledError);
      expect(error.forced).toBe(false);
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(lines.some(l => l.startsWith('Interrupt received.'))).toBe(true);
    }, 120_000);
  },
);
