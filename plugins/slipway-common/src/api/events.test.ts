import {
  eventSubject,
  isSlipwayEvent,
  parseSlipwayEvent,
  SlipwayEvent,
} from './events';

const at = '2026-11-25T10:00:00.000Z';
const deployment = {
  id: '0b6e4f7e-8a5c-4d2b-9f1e-3c7a2d9e8b10',
  app: 'hello',
  kind: 'deploy' as const,
  status: 'succeeded' as const,
  commitSha: 'a'.repeat(40),
  image: 'slipway/hello:0b6e4f7e8a5c',
  container: 'slipway-hello-0b6e4f7e8a5c',
  initiator: 'user:default/jane',
  diagnosis: null,
  createdAt: at,
  startedAt: at,
  finishedAt: at,
};

const EVENTS: SlipwayEvent[] = [
  {
    v: 1,
    id: 'e1',
    type: 'app.state',
    app: 'hello',
    at,
    data: {
      from: 'pending',
      to: 'running',
      reason: 'healthy',
      deploymentId: deployment.id,
    },
  },
  {
    v: 1,
    id: 'e2',
    type: 'deployment.status',
    app: 'hello',
    at,
    data: { deployment },
  },
  {
    v: 1,
    id: 'e3',
    type: 'deployment.log',
    app: 'hello',
    at,
    data: {
      deploymentId: deployment.id,
      line: { id: 7, stream: 'system', line: 'Cloning', createdAt: at },
    },
  },
  {
    v: 1,
    id: 'e4',
    type: 'health.sample',
    app: 'hello',
    at,
    data: {
      sample: {
        ok: false,
        latencyMs: null,
        httpStatus: null,
        error: 'connection refused',
        checkedAt: at,
      },
    },
  },
  {
    v: 1,
    id: 'e5',
    type: 'infra.job',
    host: 'docker-1',
    at,
    data: {
      job: {
        id: 'j1',
        host: 'docker-1',
        kind: 'provision',
        status: 'in_progress',
        diagnosis: null,
      },
    },
  },
];

describe('Slipway events', () => {
  it.each(EVENTS.map(e => [e.type, e] as const))(
    'parses a %s event back from its JSON',
    (_type, event) => {
      expect(parseSlipwayEvent(JSON.stringify(event))).toEqual(event);
      expect(isSlipwayEvent(event)).toBe(true);
    },
  );

  it('names the NATS subject of each event', () => {
    expect(EVENTS.map(eventSubject)).toEqual([
      'slipway.apps.hello.state',
      `slipway.deployments.${deployment.id}.status`,
      `slipway.deployments.${deployment.id}.log`,
      'slipway.apps.hello.health',
      'slipway.infra.docker-1.state',
    ]);
  });

  it('ignores fields it does not know, so a newer backend does not break a consumer', () => {
    const parsed = parseSlipwayEvent(
      JSON.stringify({
        ...EVENTS[0],
        trace: 'x',
        data: { ...EVENTS[0].data, extra: 1 },
      }),
    );
    expect(parsed).toEqual(EVENTS[0]);
  });

  it.each([
    ['not JSON', '{'],
    ['another version', JSON.stringify({ ...EVENTS[0], v: 2 })],
    ['an unknown type', JSON.stringify({ ...EVENTS[0], type: 'app.deleted' })],
    [
      'a state that does not exist',
      JSON.stringify({ ...EVENTS[0], data: { ...EVENTS[0].data, to: 'gone' } }),
    ],
    ['no id', JSON.stringify({ ...EVENTS[1], id: undefined })],
    ['no data', JSON.stringify({ ...EVENTS[2], data: undefined })],
    ['the ready message', JSON.stringify({ v: 1, app: null })],
  ])('refuses %s', (_label, text) => {
    expect(parseSlipwayEvent(text)).toBeUndefined();
  });
});
