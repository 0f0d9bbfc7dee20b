export { SlipwayPage, SlipwayPageContent } from './SlipwayPage';
