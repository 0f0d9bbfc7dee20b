import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Stop and remove an app (its deployment history is kept)',
    example: yaml.stringify({
      steps: [
        {
          id: 'destroy',
          action: 'slipway:destroy-app',
          name: 'Destroy the app',
          input: { name: 'hello-static' },
        },
      ],
    }),
  },
];
