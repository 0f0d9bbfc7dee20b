/**
 * The spellings of one owner as a deploy may have stored it. Entity refs are case-insensitive
 * and the `default` namespace may be left out, so `group:default/Team` and `group:team` match.
 * The backend's owner filters match `lower(owner)` against these forms, and the `IS_OWNER`
 * permission rule compares with them, so a list and a single check never disagree.
 */
export function ownerForms(owner: string): string[] {
  const match = /^([^:]+):(?:([^/]+)\/)?(.+)$/.exec(owner.toLowerCase());
  if (!match) return [owner.toLowerCase()];
  const [, kind, namespace, name] = match;
  return !namespace || namespace === 'default'
    ? [`${kind}:${name}`, `${kind}:default/${name}`]
    : [`${kind}:${namespace}/${name}`];
}

/** Whether `owner` is one of `claims` (entity refs, in any of the spellings above). */
export function isOwnedBy(owner: string | null, claims: string[]): boolean {
  if (!owner) return false;
  const stored = owner.toLowerCase();
  return claims.some(claim => ownerForms(claim).includes(stored));
}
