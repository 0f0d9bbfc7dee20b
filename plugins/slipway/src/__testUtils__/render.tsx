import { Entity } from '@backstage/catalog-model';
import { ApiRef, configApiRef } from '@backstage/core-plugin-api';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { RenderResult } from '@testing-library/react';
import { ReactElement } from 'react';
import { SWRConfig } from 'swr';
import { slipwayApiRef } from '../api';
import { createFakeSlipwayApi } from './fixtures';

export function component(annotations?: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'hello-static', annotations },
    spec: { type: 'website', owner: 'group:platform-team' },
  };
}

export const annotated = component({ 'slipway/app-name': 'hello-static' });

export type RenderOptions = {
  fake?: ReturnType<typeof createFakeSlipwayApi>;
  entity?: Entity;
  /** What the permission framework answers; allows everything by default. */
  authorize?: NonNullable<
    Parameters<typeof mockApis.permission>[0]
  >['authorize'];
  routeEntries?: string[];
  config?: NonNullable<Parameters<typeof mockApis.config>[0]>['data'];
  /** More APIs, such as the catalog's. */
  apis?: Array<readonly [ApiRef<any>, any]>;
  mountedRoutes?: NonNullable<
    Parameters<typeof renderInTestApp>[1]
  >['mountedRoutes'];
};

/** Renders an element of the plugin in a legacy test app with a fake API. */
export async function renderWithSlipway(
  element: ReactElement,
  options: RenderOptions = {},
): Promise<RenderResult & { fake: ReturnType<typeof createFakeSlipwayApi> }> {
  const fake = options.fake ?? createFakeSlipwayApi();
  const rendered = await renderInTestApp(
    <TestApiProvider
      apis={[
        [slipwayApiRef, fake.api],
        [
          permissionApiRef,
          mockApis.permission({
            authorize: options.authorize ?? AuthorizeResult.ALLOW,
          }),
        ],
        [configApiRef, mockApis.config({ data: options.config ?? {} })],
        ...(options.apis ?? []),
      ]}
    >
      {/* usePermission caches answers in SWR's global cache, which would
          carry one test's permissions into the next. */}
      <SWRConfig value={{ provider: () => new Map() }}>
        <EntityProvider entity={options.entity ?? annotated}>
          {element}
        </EntityProvider>
      </SWRConfig>
    </TestApiProvider>,
    {
      routeEntries: options.routeEntries,
      mountedRoutes: options.mountedRoutes,
    },
  );
  return { ...rendered, fake };
}
