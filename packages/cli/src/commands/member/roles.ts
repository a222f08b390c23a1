/** Member roles as the CLI takes them (the server's `MEMBER_ROLES`). */
/** The role names, for option help and checks. */
export const ROLES = ['owner', 'admin', 'developer', 'viewer'] as const;

/** `value` as a role. @throws Error naming the roles otherwise. */
export function parseRole(value: string): (typeof ROLES)[number] {
  const role = ROLES.find((r) => r === value);
  if (!role) throw new Error(`--role must be one of ${ROLES.join(', ')}`);
  return role;
}
