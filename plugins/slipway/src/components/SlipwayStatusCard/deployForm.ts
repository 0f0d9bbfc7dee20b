import { Entity } from '@backstage/catalog-model';
import {
  DeployRequest,
  deployRequestSchema,
  describeZodError,
  SLIPWAY_CONTAINER_PORT_ANNOTATION,
  SLIPWAY_CONTEXT_ANNOTATION,
  SLIPWAY_HEALTH_PATH_ANNOTATION,
  SLIPWAY_HOST_ANNOTATION,
  SLIPWAY_PORT_ANNOTATION,
  SLIPWAY_REPO_ANNOTATION,
} from '@slipway/plugin-slipway-common';

/** The deploy form as typed: text fields, converted to a request on submit. */
export type DeployFormValues = {
  name: string;
  repo: string;
  context: string;
  port: string;
  containerPort: string;
  healthPath: string;
  host: string;
};

export type DeployFormField = keyof DeployFormValues;

/** The request's field names (those of the REST API) to the form's. */
const FIELD_OF: Record<string, DeployFormField> = {
  name: 'name',
  repo: 'repo',
  context: 'context',
  port: 'port',
  container_port: 'containerPort',
  health_path: 'healthPath',
  host: 'host',
};

function annotation(entity: Entity, key: string): string {
  return entity.metadata.annotations?.[key]?.trim() ?? '';
}

/**
 * The form prefilled from the entity's annotations. Without `slipway/container-port` the app
 * is taken to listen on the port it is published on, which is what simple images do.
 */
export function deployFormFromEntity(
  entity: Entity,
  name: string,
): DeployFormValues {
  const port = annotation(entity, SLIPWAY_PORT_ANNOTATION);
  return {
    name,
    repo: annotation(entity, SLIPWAY_REPO_ANNOTATION),
    context: annotation(entity, SLIPWAY_CONTEXT_ANNOTATION),
    port,
    containerPort:
      annotation(entity, SLIPWAY_CONTAINER_PORT_ANNOTATION) || port,
    healthPath: annotation(entity, SLIPWAY_HEALTH_PATH_ANNOTATION),
    host: annotation(entity, SLIPWAY_HOST_ANNOTATION),
  };
}

/**
 * The entity's owner as the deploy request spells owners. The catalog lets `spec.owner` leave
 * out the kind, which then means a group.
 */
export function ownerOf(entity: Entity): string | undefined {
  const owner = entity.spec?.owner;
  if (typeof owner !== 'string' || !owner.trim()) return undefined;
  return owner.includes(':') ? owner.trim() : `group:${owner.trim()}`;
}

/** A number when the text is one; anything else is left for the schema to name. */
function portValue(text: string): number | string | undefined {
  const trimmed = text.trim();
  if (!trimmed) return undefined;
  return /^\d+$/.test(trimmed) ? Number(trimmed) : trimmed;
}

/**
 * The request the form stands for. It is only sent once {@link checkDeployForm} finds it valid,
 * which is what makes the type true.
 */
export function deployRequestOf(
  values: DeployFormValues,
  owner: string | undefined,
): DeployRequest {
  const optional = (text: string) => text.trim() || undefined;
  const request = {
    name: values.name,
    repo: values.repo.trim(),
    context: optional(values.context),
    port: portValue(values.port),
    container_port: portValue(values.containerPort),
    health_path: optional(values.healthPath),
    host: values.host.trim(),
    owner,
  };
  // Left-out fields are absent, not undefined, so the JSON body holds only what was given.
  return Object.fromEntries(
    Object.entries(request).filter(([, value]) => value !== undefined),
  ) as unknown as DeployRequest;
}

export type DeployFormCheck = {
  request: DeployRequest;
  /** What is wrong with each field, in the words of the shared rules. */
  fieldErrors: Partial<Record<DeployFormField, string>>;
  /** Problems of fields the form does not show, such as the entity's owner. */
  otherErrors: string[];
};

/** Validates the form with the backend's own schema, so it refuses what the backend would. */
export function checkDeployForm(
  values: DeployFormValues,
  owner: string | undefined,
): DeployFormCheck {
  const request = deployRequestOf(values, owner);
  const parsed = deployRequestSchema.safeParse(request);
  const fieldErrors: DeployFormCheck['fieldErrors'] = {};
  const otherErrors: string[] = [];
  if (!parsed.success) {
    for (const violation of describeZodError(parsed.error, request)) {
      const field = FIELD_OF[violation.field];
      if (!field) otherErrors.push(`${violation.field}: ${violation.message}`);
      else fieldErrors[field] ??= violation.message;
    }
  }
  return { request, fieldErrors, otherErrors };
}
