export { SlipwayStatusCard } from './SlipwayStatusCard';
export type { SlipwayStatusCardProps } from './SlipwayStatusCard';
