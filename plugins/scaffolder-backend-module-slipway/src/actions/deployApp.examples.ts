import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Deploy the default branch of a repository to a host',
    example: yaml.stringify({
      steps: [
        {
          id: 'deploy',
          action: 'slipway:deploy-app',
          name: 'Deploy',
          input: {
            name: 'hello-static',
            repo: 'https://github.com/acme/hello-static.git',
            host: 'docker-1',
            port: 8080,
            container_port: 8080,
            health_path: '/health',
          },
        },
      ],
    }),
  },
  {
    description:
      'Deploy a tag with environment variables and a catalog owner (values never reach logs)',
    example: yaml.stringify({
      steps: [
        {
          id: 'deploy',
          action: 'slipway:deploy-app',
          name: 'Deploy',
          input: {
            name: 'orders-api',
            repo: 'https://gitlab.example.com/shop/orders-api.git',
            ref: 'v1.4.2',
            host: 'docker-1',
            port: 8100,
            container_port: 3000,
            health_path: '/healthz',
            env: { LOG_LEVEL: 'info', API_TOKEN: '${{ secrets.apiToken }}' },
            owner: 'group:shop-team',
            description: 'Orders API of the shop',
          },
        },
      ],
    }),
  },
  {
    description:
      'Deploy one service of a monorepo (its own build context and Dockerfile) with memory and CPU limits',
    example: yaml.stringify({
      steps: [
        {
          id: 'deploy',
          action: 'slipway:deploy-app',
          name: 'Deploy',
          input: {
            name: 'shop-web',
            repo: 'https://github.com/acme/shop.git',
            ref: 'main',
            host: 'docker-1',
            port: 8200,
            container_port: 8080,
            health_path: '/health',
            context: 'services/web',
            dockerfile: 'docker/web.Dockerfile',
            memory: '256m',
            cpus: 0.5,
          },
        },
      ],
    }),
  },
];
