import {
  slipwayAppDestroyPermission,
  slipwayAppOperatePermission,
} from '@slipway/plugin-slipway-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { SlipwayApiError } from '../../api';
import { createFakeSlipwayApi, makeApp } from '../../__testUtils__/fixtures';
import {
  expectActionsOnlyOn,
  authorizeByResource,
  forbidden,
} from '../../__testUtils__/permissions';
import { renderWithSlipway } from '../../__testUtils__/render';
import { SlipwayPageContent } from './SlipwayPage';

const OPERATE = slipwayAppOperatePermission.name;
const DESTROY = slipwayAppDestroyPermission.name;
const ACTIONS = ['Redeploy', 'Restart', 'Rollback', 'Destroy'];

function fakeOfTwoApps() {
  return createFakeSlipwayApi({
    listApps: jest.fn(async () => [
      makeApp({ name: 'a-app', owner: 'group:default/team-a' }),
      makeApp({ name: 'b-app', owner: 'group:default/team-b' }),
    ]),
  });
}

async function renderPage(
  grants: Record<string, string[]>,
  fake = fakeOfTwoApps(),
) {
  const authorize = authorizeByResource(grants);
  const rendered = await renderWithSlipway(<SlipwayPageContent />, {
    fake,
    authorize,
  });
  return { ...rendered, authorize };
}

function actionsOf(name: string) {
  return screen.findByTestId(`slipway-app-actions-${name}`);
}

describe('SlipwayPage permissions', () => {
  it('shows the actions on the rows of apps the user may touch, each asked with its app', async () => {
    const { authorize } = await renderPage({ 'a-app': [OPERATE, DESTROY] });

    await expectActionsOnlyOn({
      authorize,
      allowed: { element: await actionsOf('a-app'), app: 'a-app' },
      denied: { element: () => actionsOf('b-app'), app: 'b-app' },
      actions: ACTIONS,
      permissions: [OPERATE, DESTROY],
    });
  });

  it('starts an action from its row and says so', async () => {
    const { fake } = await renderPage({ 'a-app': [OPERATE] });

    const row = await actionsOf('a-app');
    fireEvent.click(
      await within(row).findByRole('button', { name: 'Restart' }),
    );

    await waitFor(() => expect(fake.api.restart).toHaveBeenCalledWith('a-app'));
    expect(await within(row).findByRole('status')).toHaveTextContent(
      'Restart started just now',
    );
  });

  it("shows a 403 of an action as the backend's plain sentence in its row", async () => {
    const fake = fakeOfTwoApps();
    fake.api.restart.mockImplementation(async () => {
      throw await SlipwayApiError.fromResponse(
        forbidden(
          'You are not allowed to restart, redeploy, roll back or cancel jobs of the app "a-app": ask its owners or a Slipway admin',
        ),
      );
    });
    await renderPage({ 'a-app': [OPERATE] }, fake);

    const row = await actionsOf('a-app');
    fireEvent.click(
      await within(row).findByRole('button', { name: 'Restart' }),
    );

    expect(
      (await within(row).findByTestId('slipway-action-error')).textContent,
    ).toBe(
      'You are not allowed to restart, redeploy, roll back or cancel jobs of the app "a-app": ask its owners or a Slipway admin.',
    );
  });

  it("shows a 403 on the list as the backend's plain sentence, without a stack", async () => {
    const fake = createFakeSlipwayApi({
      listApps: jest.fn(async () => {
        throw await SlipwayApiError.fromResponse(
          forbidden('You are not allowed to see any app: ask a Slipway admin'),
        );
      }),
    });
    await renderPage({}, fake);

    expect((await screen.findByTestId('slipway-not-allowed')).textContent).toBe(
      'You are not allowed to see any app: ask a Slipway admin.',
    );
    const text = document.body.textContent ?? '';
    expect(text).not.toMatch(/ResponseError|SlipwayApiError|HTTP 403/);
    expect(text).not.toMatch(/\bat .+:\d+:\d+/);
  });
});
