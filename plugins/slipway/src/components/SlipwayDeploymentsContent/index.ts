export { SlipwayDeploymentsContent } from './SlipwayDeploymentsContent';
export type { SlipwayDeploymentsContentProps } from './SlipwayDeploymentsContent';
