import fs from 'node:fs/promises';
import path from 'node:path';
import {
  checkBackend,
  checkDuplicates,
  checkIamPolicies,
  checkInstanceHardening,
  checkModuleSource,
  checkNativeTests,
  checkOutputs,
  checkProviders,
  checkSshIngress,
  checkTags,
  checkTerraformSettings,
  checkUserDataTemplate,
  checkVariableValidation,
  checkVariables,
  templatefileVariables,
} from './checks';
import {
  findFiles,
  parseHcl,
  parseTerraformDir,
  parseTerraformSources,
  TerraformConfig,
} from './parseTerraform';

// The backstage jest config uses the package's src as rootDir; the repository's Terraform is
// three folders up.
const TERRAFORM = path.resolve(__dirname, '../../../terraform');
const MODULE_DIR = path.join(TERRAFORM, 'modules/docker-host');
const EXAMPLE_DIR = path.join(TERRAFORM, 'environments/example');

const REQUIRED_OUTPUTS = [
  'instance_id',
  'public_ip',
  'private_ip',
  'address',
  'ssh_user',
  'ssh_port',
  'security_group_id',
  'host_key_hint',
];

jest.setTimeout(60_000);

describe('every HCL file under terraform/', () => {
  it('parses with hcl2json', async () => {
    const files = await findFiles(TERRAFORM, [
      '.tf',
      '.tftest.hcl',
      '.hcl.example',
      '.tfvars.example',
    ]);
    expect(files.length).toBeGreaterThanOrEqual(15);
    for (const file of files) {
      const json = await parseHcl(
        path.relative(TERRAFORM, file),
        await fs.readFile(file, 'utf8'),
      );
      expect(Object.keys(json).length).toBeGreaterThan(0);
    }
  });
});

describe('modules/docker-host', () => {
  let config: TerraformConfig;

  beforeAll(async () => {
    config = await parseTerraformDir(
      MODULE_DIR,
      'terraform/modules/docker-host',
    );
  });

  it('is the configuration the checks expect (so they cannot pass on an empty folder)', () => {
    expect(config.files).toEqual(
      expect.arrayContaining([
        'versions.tf',
        'variables.tf',
        'outputs.tf',
        'network.tf',
        'iam.tf',
        'instance.tf',
      ]),
    );
    const types = config.resources.map(r => r.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'aws_instance',
        'aws_security_group',
        'aws_vpc_security_group_ingress_rule',
        'aws_vpc_security_group_egress_rule',
        'aws_key_pair',
        'aws_iam_role',
        'aws_iam_instance_profile',
        'aws_iam_role_policy_attachment',
      ]),
    );
    expect(config.data.map(d => `${d.type}.${d.name}`)).toEqual(
      expect.arrayContaining([
        'aws_ami.selected',
        'aws_iam_policy_document.assume_role',
      ]),
    );
  });

  it('declares nothing twice', () => {
    expect(checkDuplicates(config)).toEqual([]);
  });

  it('gives every variable a type and a description', () => {
    expect(config.variables.length).toBeGreaterThan(10);
    expect(checkVariables(config)).toEqual([]);
  });

  it('describes every output and has the outputs Slipway needs', () => {
    expect(checkOutputs(config, REQUIRED_OUTPUTS)).toEqual([]);
  });

  it('tags every taggable resource with ManagedBy (and the root volume)', () => {
    expect(checkTags(config)).toEqual([]);
  });

  it('never opens SSH to the world and takes SSH CIDRs from var.ssh_cidrs', () => {
    expect(checkSshIngress(config, { requireSshRule: true })).toEqual([]);
  });

  it('validates the inputs that guard exposure and ownership', () => {
    expect([
      ...checkVariableValidation(config, 'ssh_cidrs', ['0.0.0.0/0', '::/0']),
      ...checkVariableValidation(config, 'app_port_range', ['1024', '65535']),
      ...checkVariableValidation(config, 'tags', ['Owner', 'CostCenter']),
      ...checkVariableValidation(config, 'name', ['regex']),
      ...checkVariableValidation(config, 'instance_type', ['regex']),
      ...checkVariableValidation(config, 'root_volume_size_gb', [
        '>= 8',
        '<= 1024',
      ]),
      ...checkVariableValidation(config, 'ssh_public_key', ['ssh-ed25519']),
      ...checkVariableValidation(config, 'deploy_user', ['root']),
    ]).toEqual([]);
  });

  it('has no wildcard IAM actions and attaches only the SSM core policy', () => {
    expect(checkIamPolicies(config)).toEqual([]);
    const attachment = config.resources.find(
      r => r.type === 'aws_iam_role_policy_attachment',
    );
    expect(attachment?.body.count).toBe('${var.enable_ssm ? 1 : 0}');
  });

  it('requires IMDSv2 and encrypts the root volume', () => {
    expect(checkInstanceHardening(config, { requireInstance: true })).toEqual(
      [],
    );
  });

  it('pins the Terraform and AWS provider versions', () => {
    expect(
      checkTerraformSettings(config, { versions: { aws: '~> 5.0' } }),
    ).toEqual([]);
  });

  it('leaves the region and backend to the caller', () => {
    expect(config.providers).toEqual([]);
    expect(config.terraform.filter(t => t.body.backend !== undefined)).toEqual(
      [],
    );
  });

  it('has native tests with expect_failures, plan only, against a mocked provider', async () => {
    const testFiles = await findFiles(path.join(MODULE_DIR, 'tests'), [
      '.tftest.hcl',
    ]);
    expect(testFiles.map(f => path.basename(f))).toContain('plan.tftest.hcl');
    const sources = Object.fromEntries(
      await Promise.all(
        testFiles.map(async f => [
          path.basename(f),
          await fs.readFile(f, 'utf8'),
        ]),
      ),
    );
    expect(sources['plan.tftest.hcl']).toContain('expect_failures');
    expect(
      await checkNativeTests(sources, 'terraform/modules/docker-host/tests'),
    ).toEqual([]);
  });

  it('bootstraps Docker, the deploy user, sshd hardening and the host key line', async () => {
    const variables = templatefileVariables(config, 'user_data.sh.tftpl');
    expect(variables?.sort()).toEqual(['deploy_user', 'ssh_public_key']);
    const template = await fs.readFile(
      path.join(MODULE_DIR, 'user_data.sh.tftpl'),
      'utf8',
    );
    expect(
      await checkUserDataTemplate(
        template,
        'terraform/modules/docker-host/user_data.sh.tftpl',
        variables ?? [],
      ),
    ).toEqual([]);
  });
});

describe('environments/example', () => {
  let config: TerraformConfig;

  beforeAll(async () => {
    config = await parseTerraformDir(
      EXAMPLE_DIR,
      'terraform/environments/example',
    );
  });

  it('declares nothing twice', () => {
    expect(checkDuplicates(config)).toEqual([]);
  });

  it('gives every variable a type and a description', () => {
    expect(config.variables.length).toBeGreaterThan(5);
    expect(checkVariables(config)).toEqual([]);
  });

  it('describes every output and re-exports the outputs Slipway needs', () => {
    expect(checkOutputs(config, REQUIRED_OUTPUTS)).toEqual([]);
  });

  it('uses the module from ../../modules/docker-host', () => {
    expect(
      checkModuleSource(config, 'docker_host', '../../modules/docker-host'),
    ).toEqual([]);
  });

  it('declares a partially configured s3 backend', () => {
    expect(checkBackend(config, 's3', { partial: true })).toEqual([]);
  });

  it('sets the region and default_tags on the aws provider', () => {
    expect(checkProviders(config, 'aws')).toEqual([]);
  });

  it('pins the Terraform and AWS provider versions', () => {
    expect(
      checkTerraformSettings(config, { versions: { aws: '~> 5.0' } }),
    ).toEqual([]);
  });

  it('refuses 0.0.0.0/0 for SSH before the module does', () => {
    expect(
      checkVariableValidation(config, 'ssh_cidrs', ['0.0.0.0/0', '::/0']),
    ).toEqual([]);
  });

  it('passes the policy checks (it declares no resources of its own)', () => {
    expect([
      ...checkTags(config),
      ...checkSshIngress(config),
      ...checkIamPolicies(config),
      ...checkInstanceHardening(config),
    ]).toEqual([]);
  });

  it('has example backend and variable files that parse', async () => {
    for (const name of ['backend.hcl.example', 'terraform.tfvars.example']) {
      const json = await parseHcl(
        name,
        await fs.readFile(path.join(EXAMPLE_DIR, name), 'utf8'),
      );
      expect(Object.keys(json).length).toBeGreaterThan(0);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Mutations of the real module: each weakening must be reported.
// ---------------------------------------------------------------------------------------------

describe('the checks on weakened copies of modules/docker-host', () => {
  let sources: Record<string, string>;

  beforeAll(async () => {
    const names = (await fs.readdir(MODULE_DIR)).filter(n => n.endsWith('.tf'));
    sources = Object.fromEntries(
      await Promise.all(
        names.map(async n => [
          n,
          await fs.readFile(path.join(MODULE_DIR, n), 'utf8'),
        ]),
      ),
    );
  });

  /** The module with one replacement in one file; fails if the text is not there. */
  async function mutated(file: string, from: RegExp, to: string) {
    expect(sources[file]).toMatch(from);
    return parseTerraformSources(
      { ...sources, [file]: sources[file].replace(from, to) },
      'mutated',
    );
  }

  it.each([
    [
      'IMDSv1 allowed',
      'instance.tf',
      /http_tokens(\s*)= "required"/,
      'http_tokens$1= "optional"',
      (c: TerraformConfig) => checkInstanceHardening(c),
    ],
    [
      'unencrypted root volume',
      'instance.tf',
      /encrypted(\s*)= true/,
      'encrypted$1= false',
      (c: TerraformConfig) => checkInstanceHardening(c),
    ],
    [
      'SSH from everywhere',
      'network.tf',
      /for_each = toset\(var\.ssh_cidrs\)/,
      'for_each = toset(["0.0.0.0/0"])',
      (c: TerraformConfig) => checkSshIngress(c, { requireSshRule: true }),
    ],
    [
      'SSH rule removed',
      'network.tf',
      /from_port(\s*)= 22\n(\s*)to_port(\s*)= 22/,
      'from_port$1= 2222\n$2to_port$3= 2222',
      (c: TerraformConfig) => checkSshIngress(c, { requireSshRule: true }),
    ],
    [
      'ssh_cidrs accepting 0.0.0.0/0',
      'variables.tf',
      /\["0\.0\.0\.0\/0", "::\/0"\], cidr/,
      '["::/0"], cidr',
      (c: TerraformConfig) =>
        checkVariableValidation(c, 'ssh_cidrs', ['0.0.0.0/0', '::/0']),
    ],
    [
      'wildcard in the trust policy',
      'iam.tf',
      /"sts:AssumeRole"/,
      '"sts:*"',
      (c: TerraformConfig) => checkIamPolicies(c),
    ],
    [
      'administrator policy attached',
      'iam.tf',
      /policy\/AmazonSSMManagedInstanceCore/,
      'policy/AdministratorAccess',
      (c: TerraformConfig) => checkIamPolicies(c),
    ],
    [
      'undocumented output',
      'outputs.tf',
      /description = "EC2 instance id\."\n/,
      '',
      (c: TerraformConfig) => checkOutputs(c, REQUIRED_OUTPUTS),
    ],
    [
      'missing output',
      'outputs.tf',
      /output "host_key_hint"/,
      'output "host_key_help"',
      (c: TerraformConfig) => checkOutputs(c, REQUIRED_OUTPUTS),
    ],
    [
      'untagged key pair',
      'instance.tf',
      /(resource "aws_key_pair" "deploy" \{[^}]*?)tags = merge/,
      '$1labels = merge',
      (c: TerraformConfig) => checkTags(c),
    ],
    [
      'unpinned provider',
      'versions.tf',
      /version = "~> 5\.0"/,
      'version = ">= 4.0"',
      (c: TerraformConfig) =>
        checkTerraformSettings(c, { versions: { aws: '~> 5.0' } }),
    ],
  ])('report %s', async (_name, file, from, to, check) => {
    const findings = check(await mutated(file, from, to));
    expect(findings.length).toBeGreaterThan(0);
    for (const finding of findings) expect(finding).toMatch(/^mutated/);
  });
});

// ---------------------------------------------------------------------------------------------
// Negative tests: the checks must report bad code, so they cannot pass vacuously.
// ---------------------------------------------------------------------------------------------

const BAD_MAIN = `
terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
  }
  backend "local" {}
}

variable "ssh_cidrs" {
  type        = list(string)
  description = "No validation at all."
}

variable "undocumented" {
  type = string
}

variable "untyped" {
  description = "Has no type."
}

variable "admin_cidr" {
  type        = string
  description = "Somewhere else."
}

resource "aws_security_group" "open" {
  name = "open"

  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_vpc_security_group_ingress_rule" "ssh_world_v6" {
  security_group_id = aws_security_group.open.id
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_ipv6         = "::/0"
  tags              = { Team = "x" }
}

resource "aws_vpc_security_group_ingress_rule" "ssh_admin" {
  security_group_id = aws_security_group.open.id
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_ipv4         = var.admin_cidr
  tags              = { ManagedBy = "slipway" }
}

resource "aws_security_group_rule" "everything" {
  type              = "ingress"
  security_group_id = aws_security_group.open.id
  protocol          = "-1"
  from_port         = 0
  to_port           = 0
  cidr_blocks       = ["10.0.0.0/8", "0.0.0.0/0"]
}

resource "aws_iam_role_policy" "admin" {
  role = "x"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
  })
}

resource "aws_iam_policy" "heredoc" {
  name   = "heredoc"
  tags   = { ManagedBy = "slipway" }
  policy = <<EOT
{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:*"],"Resource":"*"}]}
EOT
}

data "aws_iam_policy_document" "wide" {
  statement {
    actions   = ["ec2:*"]
    resources = ["*"]
  }
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
  }
}

resource "aws_iam_role_policy_attachment" "admin" {
  role       = "x"
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_instance" "weak" {
  ami                         = "ami-0123456789abcdef0"
  instance_type               = "t3.micro"
  associate_public_ip_address = true

  metadata_options {
    http_tokens = "optional"
  }

  root_block_device {
    encrypted = false
  }

  tags = { Name = "weak" }
}

resource "aws_s3_object" "unknown_taggability" {
  bucket = "b"
  key    = "k"
}

module "docker_host" {
  source = "git::https://example.com/somewhere-else.git"
}

output "undocumented" {
  value = aws_instance.weak.id
}
`;

const BAD_DUPLICATE = `
variable "ssh_cidrs" {
  type        = list(string)
  description = "Declared again."
}
`;

const BAD_TESTS = `
run "creates_real_things" {
  command = apply

  assert {
    condition     = true
    error_message = "never fails"
  }
}
`;

const BAD_TEMPLATE = `#!/bin/bash
apt-get install -y docker-ce
echo "\${HOME}" > /tmp/x
echo '\${ssh_public_key}' >> /root/.ssh/authorized_keys
`;

describe('the checks on bad Terraform', () => {
  let bad: TerraformConfig;

  beforeAll(async () => {
    bad = await parseTerraformSources(
      { 'main.tf': BAD_MAIN, 'more.tf': BAD_DUPLICATE },
      'bad',
    );
  });

  it('report a duplicate declaration', () => {
    expect(checkDuplicates(bad)).toEqual([
      'bad/more.tf: variable "ssh_cidrs": declared more than once',
    ]);
  });

  it('report variables without description or type', () => {
    expect(checkVariables(bad)).toEqual([
      'bad/main.tf: variable "undocumented": has no description',
      'bad/main.tf: variable "untyped": has no type',
    ]);
  });

  it('report outputs without description and missing required outputs', () => {
    const findings = checkOutputs(bad, ['address', 'ssh_user']);
    expect(findings).toEqual([
      'bad/main.tf: output "undocumented": has no description',
      'bad: output "address" is required but missing',
      'bad: output "ssh_user" is required but missing',
    ]);
  });

  it('report untagged resources, tags without ManagedBy and unknown resource types', () => {
    const findings = checkTags(bad);
    expect(findings).toEqual(
      expect.arrayContaining([
        'bad/main.tf: resource "aws_security_group" "open": has no tags',
        'bad/main.tf: resource "aws_vpc_security_group_ingress_rule" "ssh_world_v6": tags do not carry ManagedBy',
        'bad/main.tf: resource "aws_instance" "weak": tags do not carry ManagedBy',
        'bad/main.tf: resource "aws_instance" "weak": root volume has no tags',
        expect.stringContaining(
          'resource "aws_s3_object" "unknown_taggability": unknown whether aws_s3_object supports tags',
        ),
      ]),
    );
    expect(findings.join('\n')).not.toContain('aws_iam_role_policy_attachment');
    expect(findings.join('\n')).not.toContain('"ssh_admin"');
  });

  it('report SSH open to 0.0.0.0/0 or ::/0, and SSH CIDRs not from var.ssh_cidrs', () => {
    const findings = checkSshIngress(bad, { requireSshRule: true });
    expect(findings).toEqual(
      expect.arrayContaining([
        'bad/main.tf: resource "aws_security_group" "open" ingress #1: opens port 22 to 0.0.0.0/0',
        'bad/main.tf: resource "aws_vpc_security_group_ingress_rule" "ssh_world_v6": opens port 22 to ::/0',
        'bad/main.tf: resource "aws_security_group_rule" "everything": opens port 22 to 0.0.0.0/0',
        'bad/main.tf: resource "aws_vpc_security_group_ingress_rule" "ssh_admin": SSH ingress must take its CIDRs from var.ssh_cidrs only',
      ]),
    );
    // The four above, plus: the world-open rules do not take their CIDRs from var.ssh_cidrs.
    expect(findings).toHaveLength(7);
  });

  it('report a module without any SSH rule when one is required', async () => {
    const none = await parseTerraformSources(
      { 'main.tf': 'locals {}\n' },
      'none',
    );
    expect(checkSshIngress(none, { requireSshRule: true })).toEqual([
      'none: no ingress rule for SSH (port 22) found',
    ]);
  });

  it('report an ssh_cidrs variable that does not refuse 0.0.0.0/0', () => {
    expect(
      checkVariableValidation(bad, 'ssh_cidrs', ['0.0.0.0/0', '::/0']),
    ).toEqual([
      'bad/main.tf: variable "ssh_cidrs": no validation condition mentions "0.0.0.0/0", "::/0"',
    ]);
    expect(checkVariableValidation(bad, 'app_port_range', ['1024'])).toEqual([
      'bad: variable "app_port_range" is missing',
    ]);
  });

  it('report wildcard IAM actions, trust in "*" and unlisted managed policies', () => {
    const findings = checkIamPolicies(bad);
    expect(findings).toEqual(
      expect.arrayContaining([
        'bad/main.tf: resource "aws_iam_role_policy" "admin": policy allows wildcard action Action "*"',
        'bad/main.tf: resource "aws_iam_policy" "heredoc": policy allows wildcard action Action "s3:*"',
        expect.stringMatching(
          /^bad\/main\.tf: resource "aws_iam_role_policy_attachment" "admin": attaches arn:aws:iam::aws:policy\/AdministratorAccess, which is not in the allow-list/,
        ),
        'bad/main.tf: data "aws_iam_policy_document" "wide": statement #1 actions has wildcard action "ec2:*"',
        'bad/main.tf: data "aws_iam_policy_document" "wide": statement #2 trusts any principal ("*")',
      ]),
    );
    expect(findings).toHaveLength(5);
  });

  it('report an instance without IMDSv2, with an unencrypted root volume or a forced public IP', () => {
    expect(checkInstanceHardening(bad, { requireInstance: true })).toEqual([
      'bad/main.tf: resource "aws_instance" "weak": must require IMDSv2 (metadata_options { http_tokens = "required" })',
      'bad/main.tf: resource "aws_instance" "weak": metadata hop limit must be 1 so containers cannot reach IMDS',
      'bad/main.tf: resource "aws_instance" "weak": root volume must be encrypted (root_block_device { encrypted = true })',
      'bad/main.tf: resource "aws_instance" "weak": associate_public_ip_address is hard-coded to true; make it an opt-in variable',
    ]);
  });

  it('report a missing required_version and an unpinned provider', () => {
    expect(
      checkTerraformSettings(bad, { versions: { aws: '~> 5.0' } }),
    ).toEqual([
      'bad: terraform { required_version } is not set',
      'bad: required provider "aws" has no version constraint',
    ]);
  });

  it('report a wrong module source, a non-s3 backend and a missing provider block', () => {
    expect(
      checkModuleSource(bad, 'docker_host', '../../modules/docker-host'),
    ).toEqual([
      'bad/main.tf: module "docker_host": source is "git::https://example.com/somewhere-else.git", expected "../../modules/docker-host"',
    ]);
    expect(checkBackend(bad, 's3', { partial: true })).toEqual([
      'bad: no backend "s3" declared',
      'bad/main.tf: backend "local": expected backend "s3"',
    ]);
    expect(checkProviders(bad, 'aws')).toEqual([
      'bad: no provider "aws" block',
    ]);
  });

  it('report a backend that commits its settings instead of taking them at init', async () => {
    const committed = await parseTerraformSources(
      {
        'backend.tf':
          'terraform {\n  backend "s3" {\n    bucket = "acme-state"\n  }\n}\n',
      },
      'committed',
    );
    expect(checkBackend(committed, 's3', { partial: true })).toEqual([
      'committed/backend.tf: backend "s3": must be empty (partial configuration) but sets bucket',
    ]);
  });

  it('report native tests that apply, have no expect_failures or mock, or are missing', async () => {
    expect(
      await checkNativeTests({ 'bad.tftest.hcl': BAD_TESTS }, 'bad/tests'),
    ).toEqual([
      'bad/tests/bad.tftest.hcl: run "creates_real_things" must use command = plan (it would create real resources)',
      'bad/tests: no run block uses expect_failures',
      'bad/tests: no mock_provider "aws"',
    ]);
    expect(await checkNativeTests({}, 'empty')).toEqual([
      'empty: no .tftest.hcl file',
    ]);
  });

  it('report a bootstrap template with unknown interpolations and missing hardening', async () => {
    const findings = await checkUserDataTemplate(BAD_TEMPLATE, 'bad.sh.tftpl', [
      'deploy_user',
      'ssh_public_key',
    ]);
    expect(findings).toEqual(
      expect.arrayContaining([
        expect.stringContaining('bad.sh.tftpl: interpolates ${HOME}'),
        'bad.sh.tftpl: must install Docker Engine from the docker.io package',
        'bad.sh.tftpl: must disable SSH password authentication',
        'bad.sh.tftpl: must disable SSH root login',
        'bad.sh.tftpl: must print the host key in a SLIPWAY_HOST_KEY= line',
      ]),
    );
    expect(await checkUserDataTemplate('echo "${', 'broken.tftpl', [])).toEqual(
      expect.arrayContaining([
        expect.stringContaining('broken.tftpl: is not a valid template'),
      ]),
    );
  });
});
