export { SlipwayIcon } from './SlipwayIcon';
