export { createValidateDeployRequestAction } from './validateDeployRequest';
