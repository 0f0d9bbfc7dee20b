export { createValidateDeployRequestAction } from './validateDeployRequest';
export { createDeployAppAction } from './deployApp';
export { createProvisionInfraAction } from './provisionInfra';
export { createDestroyAppAction } from './destroyApp';
export { createRegisterAppAction } from './registerApp';
export { createCommitIacAction } from './commitIac';
