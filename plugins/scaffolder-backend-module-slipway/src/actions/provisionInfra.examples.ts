import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Provision a Docker host on EC2 reachable over SSH from one office network',
    example: yaml.stringify({
      steps: [
        {
          id: 'provision',
          action: 'slipway:provision-infra',
          name: 'Provision the host',
          input: {
            name: 'docker-2',
            owner: 'group:platform-team',
            region: 'eu-west-1',
            instance_type: 't3.small',
            ssh_cidrs: ['203.0.113.0/24'],
            app_ports: { from: 8000, to: 8099 },
            tags: { CostCenter: 'platform' },
          },
        },
      ],
    }),
  },
];
