import {
  APP_STATES,
  canTransitionApp,
  canTransitionDeployment,
  isFinalDeploymentStatus,
} from './states';

describe('app states', () => {
  it('allows the transitions of the state machine', () => {
    expect(canTransitionApp('pending', 'running')).toBe(true);
    expect(canTransitionApp('running', 'unhealthy')).toBe(true);
    expect(canTransitionApp('unhealthy', 'running')).toBe(true);
    expect(canTransitionApp('unhealthy', 'failed')).toBe(true);
    expect(canTransitionApp('failed', 'pending')).toBe(true);
  });

  it('refuses impossible jumps', () => {
    expect(canTransitionApp('pending', 'unhealthy')).toBe(false);
    expect(canTransitionApp('failed', 'unhealthy')).toBe(false);
    for (const state of APP_STATES) {
      expect(canTransitionApp(state, state)).toBe(false);
    }
  });
});

describe('deployment statuses', () => {
  it('moves forward only', () => {
    expect(canTransitionDeployment('queued', 'in_progress')).toBe(true);
    expect(canTransitionDeployment('in_progress', 'rolled_back')).toBe(true);
    expect(canTransitionDeployment('succeeded', 'failed')).toBe(false);
    expect(canTransitionDeployment('queued', 'succeeded')).toBe(false);
    expect(isFinalDeploymentStatus('cancelled')).toBe(true);
    expect(isFinalDeploymentStatus('in_progress')).toBe(false);
  });
});
