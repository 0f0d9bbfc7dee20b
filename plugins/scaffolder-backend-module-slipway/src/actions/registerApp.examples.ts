import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Register a deployed app in the catalog as a Component with the Slipway annotation',
    example: yaml.stringify({
      steps: [
        {
          id: 'register',
          action: 'slipway:register-app',
          name: 'Register in the catalog',
          input: { name: '${{ steps.deploy.output.appName }}' },
        },
      ],
    }),
  },
];
