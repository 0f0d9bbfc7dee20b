import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Check a deploy request before anything is created, so the template fails fast',
    example: yaml.stringify({
      steps: [
        {
          id: 'validate',
          action: 'slipway:validate-deploy-request',
          name: 'Check the deploy request',
          input: {
            name: 'hello-static',
            repo: 'https://github.com/acme/hello-static.git',
            ref: 'main',
            port: 8080,
            container_port: 8080,
            health_path: '/health',
            host: 'local',
          },
        },
      ],
    }),
  },
  {
    description:
      'Pass environment variables (only their names are ever shown in logs)',
    example: yaml.stringify({
      steps: [
        {
          id: 'validate',
          action: 'slipway:validate-deploy-request',
          name: 'Check the deploy request',
          input: {
            name: 'orders-api',
            repo: 'https://gitlab.example.com/shop/orders-api.git',
            port: 8100,
            container_port: 3000,
            host: 'docker-1',
            env: { LOG_LEVEL: 'info', FEATURE_FLAGS: 'checkout-v2' },
          },
        },
      ],
    }),
  },
];
