import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Open a pull request that provisions a Docker host (Terraform for terraform/modules/docker-host and a slipway.yaml manifest)',
    example: yaml.stringify({
      steps: [
        {
          id: 'commit-iac',
          action: 'slipway:commit-iac',
          name: 'Propose the host in the GitOps repository',
          input: {
            repoUrl: 'github.com?owner=acme&repo=infra',
            kind: 'host',
            request: {
              name: 'docker-1',
              owner: 'group:platform-team',
              region: 'eu-west-1',
              instance_type: 't3.small',
              ssh_cidrs: ['203.0.113.0/24'],
              app_ports: { from: 8000, to: 8099 },
              tags: { CostCenter: 'cc-42' },
            },
          },
        },
      ],
    }),
  },
  {
    description:
      'Record an app deployment by pushing its manifest straight to main (env names only, never values); push mode needs the slipway.iac.push permission, which only Slipway admins have by default',
    example: yaml.stringify({
      steps: [
        {
          id: 'commit-iac',
          action: 'slipway:commit-iac',
          name: 'Record the app in the GitOps repository',
          input: {
            repoUrl: 'github.com?owner=acme&repo=infra',
            kind: 'app',
            mode: 'push',
            targetBranch: 'main',
            request: {
              name: 'hello-static',
              repo: 'https://github.com/acme/hello-static.git',
              ref: 'main',
              port: 8080,
              container_port: 8080,
              health_path: '/health',
              host: 'docker-1',
              env: { LOG_LEVEL: 'info' },
            },
          },
        },
      ],
    }),
  },
  {
    description:
      'Open a GitLab merge request in a subgroup, with a custom folder, title and module source (one that slipway.gitops.allowedModuleSources admits)',
    example: yaml.stringify({
      steps: [
        {
          id: 'commit-iac',
          action: 'slipway:commit-iac',
          name: 'Propose the host in GitLab',
          input: {
            repoUrl: 'gitlab.com?owner=platform/gitops&repo=infra',
            kind: 'host',
            path: 'teams/payments/hosts/payments-1',
            moduleSource:
              'git::https://gitlab.com/platform/slipway.git//terraform/modules/docker-host?ref=v1.0.0',
            title: 'Docker host for the payments team',
            request: {
              name: 'payments-1',
              owner: 'group:payments',
              region: 'eu-central-1',
              instance_type: 't3.medium',
              ssh_cidrs: ['198.51.100.0/24'],
              tags: { CostCenter: 'cc-payments' },
            },
          },
        },
      ],
    }),
  },
];
