import fs from 'node:fs';
import { JsonObject } from '@backstage/types';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createMockDirectory } from '@backstage/backend-test-utils';
import yaml from 'yaml';
import { createValidateDeployRequestAction } from './validateDeployRequest';
import { examples } from './validateDeployRequest.examples';

describe('slipway:validate-deploy-request', () => {
  const action = createValidateDeployRequestAction();
  const workspace = createMockDirectory();

  function context(input: JsonObject) {
    return createMockActionContext({ input, workspacePath: workspace.path });
  }

  it.each(examples.map(e => [e.description, e]))(
    'runs the example: %s',
    async (_d, example) => {
      const step = yaml.parse(example.example).steps[0];
      const ctx = context(step.input);
      await action.handler(ctx as any);
      expect(ctx.output).toHaveBeenCalledWith('name', step.input.name);
      expect(ctx.output).toHaveBeenCalledWith(
        'envNames',
        Object.keys(step.input.env ?? {}).sort(),
      );
    },
  );

  it('defaults the health path', async () => {
    const ctx = context({
      name: 'hello',
      repo: 'https://example.com/hello.git',
      port: 8080,
      container_port: 80,
      host: 'local',
    });
    await action.handler(ctx as any);
    expect(ctx.output).toHaveBeenCalledWith('healthPath', '/');
  });

  it('names every broken field and rule, and logs no env values', async () => {
    const ctx = context({
      name: 'Hello World',
      repo: 'file:///etc/passwd',
      ref: '--upload-pack=touch /tmp/x',
      port: 22,
      container_port: 80,
      host: 'local',
      env: { SECRET: 'hunter2' },
    });
    const failure = action.handler(ctx as any);
    await expect(failure).rejects.toThrow(/name: name must be a DNS label/);
    await expect(failure).rejects.toThrow(
      /repo: repo must use one of the schemes/,
    );
    await expect(failure).rejects.toThrow(/ref: ref must not start with "-"/);
    await expect(failure).rejects.toThrow(
      /port: port must be between 1024 and 65535/,
    );
    expect(ctx.output).not.toHaveBeenCalled();
  });

  it('runs in a dry run as in a real one: validates, outputs, never prints env values', async () => {
    // The scaffolder skips an action without supportsDryRun in a dry run (with example outputs).
    expect(action.supportsDryRun).toBe(true);
    const input = {
      name: 'hello',
      repo: 'https://example.com/hello.git',
      port: 8080,
      container_port: 80,
      host: 'local',
      env: { API_TOKEN: 'super-secret-value' },
    };
    // The scaffolder runs a dry run's steps with isDryRun (createMockActionContext leaves it out).
    const dry = { ...context(input), isDryRun: true };
    const real = context(input);
    const info = jest.spyOn(dry.logger, 'info');
    await action.handler(dry as any);
    await action.handler(real as any);

    // The same checks and the same normalized request as a real run, for the later steps.
    expect(jest.mocked(dry.output).mock.calls).toEqual([
      ['name', 'hello'],
      ['host', 'local'],
      ['port', 8080],
      ['healthPath', '/'],
      ['envNames', ['API_TOKEN']],
    ]);
    expect(jest.mocked(dry.output).mock.calls).toEqual(
      jest.mocked(real.output).mock.calls,
    );
    const logged = info.mock.calls.map(c => String(c[0])).join('\n');
    expect(logged).toContain('Deploy request for hello is valid');
    expect(logged).toContain('API_TOKEN');
    expect(logged).not.toContain('super-secret-value');
    // Nothing written to the workspace.
    expect(fs.readdirSync(workspace.path)).toEqual([]);

    // And a bad request fails the dry run, as it would fail the real one.
    const bad = { ...context({ ...input, port: 22 }), isDryRun: true };
    await expect(action.handler(bad as any)).rejects.toThrow(
      /port: port must be between 1024 and 65535/,
    );
    expect(bad.output).not.toHaveBeenCalled();
  });
});
