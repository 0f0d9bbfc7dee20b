import { EntityProvider } from '@backstage/plugin-catalog-react';
import { slipwayAppOperatePermission } from '@slipway/plugin-slipway-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { SlipwayApiError } from '../../api';
import {
  createFakeSlipwayApi,
  makeApp,
  makeDeployment,
  makeStatus,
  minutesAgo,
} from '../../__testUtils__/fixtures';
import {
  answersApplied,
  askedFor,
  authorizeByResource,
  forbidden,
} from '../../__testUtils__/permissions';
import { component, renderWithSlipway } from '../../__testUtils__/render';
import { SlipwayDeploymentsContent } from './SlipwayDeploymentsContent';

const OPERATE = slipwayAppOperatePermission.name;

/**
 * Each app's current deployment (`<app>-2`) and an earlier one whose image is
 * kept (`<app>-1`), which may be rolled back to.
 */
function fakeOfAnyApp() {
  return createFakeSlipwayApi({
    getAppStatus: jest.fn(async (name: string) =>
      makeStatus({
        app: makeApp({ name, currentDeploymentId: `${name}-2` }),
      }),
    ),
    listDeployments: jest.fn(async (app: string) => [
      makeDeployment({ id: `${app}-2`, app }),
      makeDeployment({
        id: `${app}-1`,
        app,
        createdAt: minutesAgo(120),
        startedAt: minutesAgo(120),
        finishedAt: minutesAgo(118),
      }),
    ]),
  });
}

function entityOf(name: string) {
  return component({ 'slipway/app-name': name });
}

// The LogViewer draws only the lines that fit; jsdom lays nothing out, so
// its container is given a size.
beforeEach(() => {
  jest
    .spyOn(HTMLElement.prototype, 'getBoundingClientRect')
    .mockReturnValue({ width: 800, height: 480 } as DOMRect);
});

describe('SlipwayDeploymentsContent permissions', () => {
  it('offers "Roll back to this" on the app the user may operate and not on the other', async () => {
    const authorize = authorizeByResource({ 'a-app': [OPERATE] });
    const fake = fakeOfAnyApp();
    await renderWithSlipway(
      <>
        {['a-app', 'b-app'].map(name => (
          <div key={name} data-testid={`tab-${name}`}>
            <EntityProvider entity={entityOf(name)}>
              <SlipwayDeploymentsContent />
            </EntityProvider>
          </div>
        ))}
      </>,
      { fake, authorize },
    );

    const allowed = screen.getByTestId('tab-a-app');
    expect(
      await within(allowed).findByTestId('slipway-rollback-to-a-app-1'),
    ).toHaveTextContent('Roll back to this');

    const denied = screen.getByTestId('tab-b-app');
    await within(denied).findByText('Deployments of b-app');
    await waitFor(() =>
      expect(askedFor(authorize)).toContainEqual([OPERATE, 'b-app']),
    );
    await answersApplied();
    expect(
      within(denied).queryByRole('button', { name: 'Roll back to this' }),
    ).not.toBeInTheDocument();
    expect(askedFor(authorize)).toContainEqual([OPERATE, 'a-app']);
    expect(askedFor(authorize).every(([, ref]) => ref !== undefined)).toBe(
      true,
    );
  });

  it("shows a 403 of a rollback as the backend's plain sentence", async () => {
    const fake = fakeOfAnyApp();
    fake.api.rollback.mockImplementation(async () => {
      throw await SlipwayApiError.fromResponse(
        forbidden(
          'You are not allowed to restart, redeploy, roll back or cancel jobs of the app "a-app": ask its owners or a Slipway admin',
        ),
      );
    });
    await renderWithSlipway(<SlipwayDeploymentsContent />, {
      fake,
      entity: entityOf('a-app'),
    });

    fireEvent.click(
      await screen.findByRole('button', { name: 'Roll back to this' }),
    );
    fireEvent.click(
      within(await screen.findByRole('dialog')).getByRole('button', {
        name: 'Roll back',
      }),
    );

    expect(
      (await screen.findByTestId('slipway-rollback-error')).textContent,
    ).toBe(
      'You are not allowed to restart, redeploy, roll back or cancel jobs of the app "a-app": ask its owners or a Slipway admin.',
    );
  });

  it("shows a 403 on the deployments as the backend's plain sentence, without a stack", async () => {
    const fake = fakeOfAnyApp();
    fake.api.listDeployments.mockImplementation(async () => {
      throw await SlipwayApiError.fromResponse(
        forbidden(
          'You are not allowed to see the app "a-app": ask its owners or a Slipway admin',
        ),
      );
    });
    await renderWithSlipway(<SlipwayDeploymentsContent />, {
      fake,
      entity: entityOf('a-app'),
    });

    expect((await screen.findByTestId('slipway-not-allowed')).textContent).toBe(
      'You are not allowed to see the app "a-app": ask its owners or a Slipway admin.',
    );
    const text = document.body.textContent ?? '';
    expect(text).not.toMatch(/ResponseError|SlipwayApiError|HTTP 403/);
    expect(text).not.toMatch(/\bat .+:\d+:\d+/);
  });
});
