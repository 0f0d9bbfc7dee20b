import {
  deployRequestSchema,
  provisionRequestSchema,
  ValidProvisionRequest,
} from '@slipway/plugin-slipway-common';
import yaml from 'yaml';
import {
  checkIacPath,
  checkModuleSource,
  checkSshPublicKey,
  defaultIacPath,
  defaultModuleSource,
  escapeTemplate,
  renderAppManifest,
  renderHostManifest,
  renderHostTerraform,
  renderIacFiles,
} from './renderIac';

const host = provisionRequestSchema.parse({
  name: 'docker-1',
  owner: 'group:platform-team',
  region: 'eu-west-1',
  instance_type: 't3.small',
  ssh_cidrs: ['203.0.113.0/24', '198.51.100.0/24'],
  tags: { CostCenter: 'cc-42', Team: 'platform' },
});

const app = deployRequestSchema.parse({
  name: 'hello',
  repo: 'https://github.com/acme/hello.git',
  ref: 'v1.2.0',
  port: 8080,
  container_port: 3000,
  health_path: '/health',
  host: 'docker-1',
  env: { SECRET_TOKEN: 'hunter2-value', LOG_LEVEL: 'debug-value' },
});

const options = { moduleSource: '../../../terraform/modules/docker-host' };

describe('renderHostTerraform', () => {
  it('instantiates docker-host with the module variables and the example environment stubs', () => {
    const tf = JSON.parse(renderHostTerraform(host, options));
    expect(tf.module.docker_host).toEqual({
      source: '../../../terraform/modules/docker-host',
      name: 'docker-1',
      instance_type: 't3.small',
      ssh_cidrs: ['203.0.113.0/24', '198.51.100.0/24'],
      app_port_range: { from: 8000, to: 8999 },
      ssh_public_key: '${var.ssh_public_key}',
      tags: {
        CostCenter: 'cc-42',
        Owner: 'group:platform-team',
        Team: 'platform',
      },
    });
    expect(tf.variable.ssh_public_key.type).toBe('string');
    expect(tf.provider.aws).toEqual({
      region: 'eu-west-1',
      default_tags: {
        tags: {
          CostCenter: 'cc-42',
          ManagedBy: 'slipway',
          Owner: 'group:platform-team',
          Team: 'platform',
        },
      },
    });
    expect(tf.terraform).toEqual({
      required_version: '>= 1.6',
      required_providers: {
        aws: { source: 'hashicorp/aws', version: '~> 5.0' },
      },
      backend: { s3: { key: 'hosts/docker-1.tfstate' } },
    });
    expect(tf.output.address).toEqual({
      value: '${module.docker_host.address}',
    });
    expect(tf.output.slipway_host).toEqual({
      value: '${module.docker_host.slipway_host}',
    });
    expect(typeof tf['//']).toBe('string');
  });

  it('writes a configured public key instead of declaring a variable', () => {
    const key =
      'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPTTbJb+67W8PT4+LfxngYCX6H5Hfffma9+QkFMo5Doz slipway';
    const tf = JSON.parse(
      renderHostTerraform(host, { ...options, sshPublicKey: key }),
    );
    expect(tf.module.docker_host.ssh_public_key).toBe(key);
    expect(tf.variable).toBeUndefined();
  });

  it('is byte-for-byte stable whatever the order of the request keys', () => {
    const reordered = provisionRequestSchema.parse({
      tags: { Team: 'platform', CostCenter: 'cc-42' },
      ssh_cidrs: ['203.0.113.0/24', '198.51.100.0/24'],
      instance_type: 't3.small',
      region: 'eu-west-1',
      owner: 'group:platform-team',
      name: 'docker-1',
    });
    const a = renderHostTerraform(host, options);
    expect(renderHostTerraform(reordered, options)).toBe(a);
    expect(a.endsWith('}\n')).toBe(true);
    expect(renderHostManifest(reordered, options)).toBe(
      renderHostManifest(host, options),
    );
  });

  it('escapes template sequences so values reach Terraform as literal text', () => {
    // The schema refuses these characters; the renderer must stay inert even if it did not.
    const hostile = {
      ...host,
      name: 'x"; rm -rf /',
      instance_type: '%{ for x in y }',
      tags: { '${key}': '${file("/etc/passwd")}' },
    } as ValidProvisionRequest;
    const text = renderHostTerraform(hostile, options);
    const tf = JSON.parse(text);
    expect(Object.keys(tf.module.docker_host.tags)).toContain('$${key}');
    expect(tf.module.docker_host.tags['$${key}']).toBe(
      '$${file("/etc/passwd")}',
    );
    expect(tf.module.docker_host.name).toBe('x"; rm -rf /');
    expect(tf.module.docker_host.instance_type).toBe('%%{ for x in y }');
    expect(text).not.toMatch(/(^|[^$])\$\{file/);
    // Our own references stay live.
    expect(tf.module.docker_host.ssh_public_key).toBe('${var.ssh_public_key}');
  });

  it('escapes the escape itself', () => {
    expect(escapeTemplate('$${x}')).toBe('$$${x}');
    expect(escapeTemplate('%{if}${a}')).toBe('%%{if}$${a}');
    expect(escapeTemplate('$ { } % {')).toBe('$ { } % {');
  });
});

describe('manifests', () => {
  it('describes a host without anything secret', () => {
    const text = renderHostManifest(host, options);
    expect(text.startsWith('# ')).toBe(true);
    expect(yaml.parse(text)).toEqual({
      apiVersion: 'slipway.dev/v1alpha1',
      kind: 'Host',
      metadata: { name: 'docker-1' },
      spec: {
        appPorts: { from: 8000, to: 8999 },
        instanceType: 't3.small',
        owner: 'group:platform-team',
        region: 'eu-west-1',
        sshCidrs: ['203.0.113.0/24', '198.51.100.0/24'],
        tags: { CostCenter: 'cc-42', Team: 'platform' },
        terraform: {
          module: '../../../terraform/modules/docker-host',
          root: 'main.tf.json',
        },
      },
    });
  });

  it('lists env names of an app, never their values', () => {
    const text = renderAppManifest(app);
    expect(text).not.toContain('hunter2-value');
    expect(text).not.toContain('debug-value');
    expect(yaml.parse(text)).toEqual({
      apiVersion: 'slipway.dev/v1alpha1',
      kind: 'App',
      metadata: { name: 'hello' },
      spec: {
        containerPort: 3000,
        envNames: ['LOG_LEVEL', 'SECRET_TOKEN'],
        healthPath: '/health',
        host: 'docker-1',
        port: 8080,
        ref: 'v1.2.0',
        repo: 'https://github.com/acme/hello.git',
      },
    });
    expect(text.endsWith('\n')).toBe(true);
  });

  it('omits ref when the request has none', () => {
    const { ref, ...withoutRef } = app;
    expect(yaml.parse(renderAppManifest(withoutRef)).spec.ref).toBeUndefined();
  });
});

describe('renderIacFiles', () => {
  it('puts a host and an app below their folders', () => {
    expect(
      renderIacFiles(
        { kind: 'host', request: host, options },
        defaultIacPath('host', 'docker-1'),
      ).map(f => f.path),
    ).toEqual([
      'slipway/hosts/docker-1/main.tf.json',
      'slipway/hosts/docker-1/slipway.yaml',
    ]);
    expect(
      renderIacFiles(
        { kind: 'app', request: app },
        defaultIacPath('app', 'hello'),
      ).map(f => f.path),
    ).toEqual(['slipway/apps/hello/slipway.yaml']);
  });
});

describe('checks', () => {
  it.each(['slipway/hosts/a', 'teams/x_y/hosts.v2/a-b', 'slipway/hosts/a/'])(
    'accepts the path %j',
    value => {
      expect(checkIacPath(value)).toBeUndefined();
    },
  );

  it.each([
    ['', /not be empty/],
    ['/etc/cron.d', /relative/],
    ['../outside', /"\." or "\.\." segments/],
    ['a/../../b', /"\." or "\.\." segments/],
    ['a/./b', /"\." or "\.\." segments/],
    ['a\\b', /only letters/],
    ['a b', /only letters/],
    ['a//b', /"\/\/"/],
    ['.git/hooks', /\.git/],
    ['x/.GIT', /\.git/],
    ['a;rm -rf', /only letters/],
    ['a'.repeat(201), /at most 200/],
  ])('refuses the path %j', (value, expected) => {
    expect(checkIacPath(value)).toMatch(expected);
  });

  it.each([
    ['../../../terraform/modules/docker-host', true],
    [
      'git::https://github.com/acme/slipway.git//terraform/modules/docker-host?ref=v1.2.0',
      true,
    ],
    ['app.terraform.io/acme/docker-host/aws', true],
    ['x" } resource "null_resource', false],
    ['a\nb', false],
    ['${file("/etc/passwd")}', false],
    ['%{if true}', false],
    ['-x', false],
    ['a\\b', false],
  ])('moduleSource %j accepted: %s', (value, ok) => {
    expect(checkModuleSource(value) === undefined).toBe(ok);
  });

  it('defaults the module to the same repository, relative to the folder', () => {
    expect(defaultModuleSource('slipway/hosts/docker-1')).toBe(
      '../../../terraform/modules/docker-host',
    );
    expect(defaultModuleSource('terraform')).toBe('./modules/docker-host');
  });

  it('checks public keys with the module rule', () => {
    expect(
      checkSshPublicKey(
        'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPTTbJb+67W8PT4+LfxngYCX6H5Hfffma9+QkFMo5Doz',
      ),
    ).toBeUndefined();
    expect(checkSshPublicKey('ssh-ed25519 AAAA\nrm -rf /')).toMatch(
      /OpenSSH public key/,
    );
  });
});
