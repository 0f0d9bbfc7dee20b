import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { SlipwayStatusCard, SlipwayStatusCardProps } from './SlipwayStatusCard';

function component(annotations?: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'hello-static', annotations },
    spec: { type: 'website', owner: 'group:platform-team' },
  };
}

// Matches the innermost element whose text, across child elements such as
// <code>, matches the pattern.
function innermostText(pattern: RegExp) {
  return (_content: string, element: Element | null) =>
    !!element &&
    pattern.test(element.textContent ?? '') &&
    Array.from(element.children).every(
      child => !pattern.test(child.textContent ?? ''),
    );
}

// The card reads no APIs yet; TestApiProvider is where the Slipway API mock
// goes once the card shows live status.
async function renderCard(entity: Entity, props: SlipwayStatusCardProps = {}) {
  return renderInTestApp(
    <TestApiProvider apis={[]}>
      <EntityProvider entity={entity}>
        <SlipwayStatusCard {...props} />
      </EntityProvider>
    </TestApiProvider>,
  );
}

describe('SlipwayStatusCard', () => {
  it('explains the missing slipway/app-name annotation', async () => {
    await renderCard(component());

    expect(screen.getByText('Missing Annotation')).toBeInTheDocument();
    expect(
      screen.getByText(
        innermostText(/The annotation slipway\/app-name is missing/),
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /^Read more/ })).toHaveAttribute(
      'href',
      expect.stringContaining('backstage.io/docs'),
    );
    expect(screen.queryByTestId('slipway-app-name')).not.toBeInTheDocument();
  });

  it('points "Read more" at the given docs', async () => {
    await renderCard(component(), {
      readMoreUrl: '/docs/slipway/annotations',
    });

    expect(screen.getByRole('button', { name: /^Read more/ })).toHaveAttribute(
      'href',
      '/docs/slipway/annotations',
    );
  });

  it('shows the app name when the annotation is present', async () => {
    await renderCard(component({ 'slipway/app-name': 'hello-static-app' }));

    expect(screen.getByText('Slipway')).toBeInTheDocument();
    expect(screen.getByTestId('slipway-app-name')).toHaveTextContent(
      'hello-static-app',
    );
    expect(
      screen.getByText(/status will appear here once it has been deployed/),
    ).toBeInTheDocument();
    expect(screen.queryByText('Missing Annotation')).not.toBeInTheDocument();
  });
});
