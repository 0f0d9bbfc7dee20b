import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { SlipwayPage } from './SlipwayPage';

describe('SlipwayPage', () => {
  it('says there are no apps yet', async () => {
    await renderInTestApp(<SlipwayPage />);

    expect(
      screen.getByRole('heading', { name: 'Slipway', level: 1 }),
    ).toBeInTheDocument();
    expect(screen.getByText('No apps yet')).toBeInTheDocument();
  });
});
