import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  slipwayAppDestroyPermission,
  slipwayAppOperatePermission,
} from '@slipway/plugin-slipway-common';
import { fireEvent, screen, within } from '@testing-library/react';
import { SlipwayApiError } from '../../api';
import {
  createFakeSlipwayApi,
  makeApp,
  makeStatus,
} from '../../__testUtils__/fixtures';
import {
  expectActionsOnlyOn,
  authorizeByResource,
  forbidden,
} from '../../__testUtils__/permissions';
import { component, renderWithSlipway } from '../../__testUtils__/render';
import { SlipwayStatusCard } from './SlipwayStatusCard';

const OPERATE = slipwayAppOperatePermission.name;
const DESTROY = slipwayAppDestroyPermission.name;
const ACTIONS = ['Redeploy', 'Restart', 'Rollback', 'Destroy'];

/** A fake whose apps are whatever the card asks for, all running. */
function fakeOfAnyApp() {
  return createFakeSlipwayApi({
    getAppStatus: jest.fn(async (name: string) =>
      makeStatus({ app: makeApp({ name }) }),
    ),
  });
}

/** The cards of a-app and b-app side by side, under one permission API. */
async function renderTwoCards(grants: Record<string, string[]>) {
  const authorize = authorizeByResource(grants);
  const rendered = await renderWithSlipway(
    <>
      {['a-app', 'b-app'].map(name => (
        <div key={name} data-testid={`card-${name}`}>
          <EntityProvider entity={component({ 'slipway/app-name': name })}>
            <SlipwayStatusCard />
          </EntityProvider>
        </div>
      ))}
    </>,
    { fake: fakeOfAnyApp(), authorize },
  );
  return { ...rendered, authorize };
}

async function cardOf(name: string) {
  const card = screen.getByTestId(`card-${name}`);
  await within(card).findByTestId('slipway-app-state');
  return card;
}

describe('SlipwayStatusCard permissions', () => {
  it('shows the actions on the app the user may touch and not on the other', async () => {
    const { authorize } = await renderTwoCards({
      'a-app': [OPERATE, DESTROY],
    });

    await expectActionsOnlyOn({
      authorize,
      allowed: { element: await cardOf('a-app'), app: 'a-app' },
      denied: { element: () => cardOf('b-app'), app: 'b-app' },
      actions: ACTIONS,
      permissions: [OPERATE, DESTROY],
    });
  });

  it('shows Redeploy, Restart and Rollback by the operate permission alone', async () => {
    await renderTwoCards({ 'a-app': [OPERATE], 'b-app': [DESTROY] });

    const operateOnly = await cardOf('a-app');
    expect(
      await within(operateOnly).findByRole('button', { name: 'Redeploy' }),
    ).toBeEnabled();
    expect(
      within(operateOnly).getByRole('button', { name: 'Restart' }),
    ).toBeEnabled();
    expect(
      within(operateOnly).getByRole('button', { name: 'Rollback' }),
    ).toBeEnabled();
    expect(
      within(operateOnly).queryByRole('button', { name: 'Destroy' }),
    ).not.toBeInTheDocument();

    const destroyOnly = await cardOf('b-app');
    expect(
      await within(destroyOnly).findByRole('button', { name: 'Destroy' }),
    ).toBeEnabled();
    for (const name of ['Redeploy', 'Restart', 'Rollback']) {
      expect(
        within(destroyOnly).queryByRole('button', { name }),
      ).not.toBeInTheDocument();
    }
  });

  it("shows a 403 of an action as the backend's plain sentence", async () => {
    const fake = fakeOfAnyApp();
    fake.api.restart.mockImplementation(async () => {
      throw await SlipwayApiError.fromResponse(
        forbidden(
          'You are not allowed to restart, redeploy, roll back or cancel jobs of the app "a-app": ask its owners or a Slipway admin',
        ),
      );
    });
    await renderWithSlipway(<SlipwayStatusCard />, {
      fake,
      entity: component({ 'slipway/app-name': 'a-app' }),
    });

    fireEvent.click(await screen.findByRole('button', { name: 'Restart' }));

    const error = await screen.findByTestId('slipway-action-error');
    expect(error.textContent).toBe(
      'You are not allowed to restart, redeploy, roll back or cancel jobs of the app "a-app": ask its owners or a Slipway admin.',
    );
  });

  it("shows a 403 on the status as the backend's plain sentence, without a stack", async () => {
    const fake = fakeOfAnyApp();
    fake.api.getAppStatus.mockImplementation(async () => {
      throw await SlipwayApiError.fromResponse(
        forbidden(
          'You are not allowed to see the app "a-app": ask its owners or a Slipway admin',
        ),
      );
    });
    await renderWithSlipway(<SlipwayStatusCard />, {
      fake,
      entity: component({ 'slipway/app-name': 'a-app' }),
    });

    const notice = await screen.findByTestId('slipway-not-allowed');
    expect(notice.textContent).toBe(
      'You are not allowed to see the app "a-app": ask its owners or a Slipway admin.',
    );
    const card = document.body.textContent ?? '';
    expect(card).not.toMatch(/ResponseError|SlipwayApiError|HTTP 403/);
    expect(card).not.toMatch(/\bat .+:\d+:\d+/);
  });
});
