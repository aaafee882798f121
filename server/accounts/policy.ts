import { ROLES, type Role } from "../../shared/enums.ts";
import { hasRole, isAdmin, isOrganiser, managedStreet, type StreetHolder } from "../auth/policy.ts";
import { forbidden } from "../lib/errors.ts";

/**
 * Who may manage which person, and grant what. The one place the people routes ask.
 *
 * - an admin manages everyone and grants every role;
 * - an organiser manages everyone who holds no `admin`, and grants every role but `admin`;
 * - a street admin manages the people of their street who hold only working roles, and grants
 *   only those roles — never organiser, admin or street admin, and nothing outside the street.
 */
const WORKING_ROLES: readonly Role[] = ["secretary", "mentor", "veteran", "worker", "resident"];

export function grantableRoles(actor: StreetHolder): readonly Role[] {
  if (isAdmin(actor)) return ROLES;
  if (isOrganiser(actor)) return ROLES.filter((role) => role !== "admin");
  if (managedStreet(actor)) return WORKING_ROLES;
  return [];
}

/** A person as the policy sees them: their roles and the street they belong to. */
export interface PersonFacts {
  id: string;
  roles: readonly Role[];
  /** the street of their community, else the street on their account (a street admin's) */
  street: string | null;
}

export function canManagePerson(actor: StreetHolder & { id: string }, person: PersonFacts): boolean {
  const grantable = grantableRoles(actor);
  if (!person.roles.every((role) => grantable.includes(role))) return false;
  if (isOrganiser(actor)) return true;
  const own = managedStreet(actor);
  return own !== null && person.street === own;
}

export function requireManagePerson(actor: StreetHolder & { id: string }, person: PersonFacts): void {
  if (!canManagePerson(actor, person)) throw forbidden("你无权管理此人员");
}

/** Whether the actor may see every detail of this person (the full phone number, party membership). */
export const seesPersonalDetails = (viewer: StreetHolder & { id: string }, person: PersonFacts) =>
  viewer.id === person.id || canManagePerson(viewer, person);

/** Lists people at all (district-wide or for one street). */
export const canListPeople = (viewer: StreetHolder) => isOrganiser(viewer) || managedStreet(viewer) !== null;

/**
 * Checks the person as they would be after a create or edit: the actor must be able to grant
 * every role they hold and, as a street admin, keep them inside the street.
 */
export function requireMayBecome(
  actor: StreetHolder & { id: string },
  after: PersonFacts & { streetId: string | null },
): void {
  const grantable = grantableRoles(actor);
  const beyond = after.roles.filter((role) => !grantable.includes(role));
  if (beyond.length > 0) throw forbidden(`你无权授予角色：${beyond.join("、")}`);
  if (isOrganiser(actor)) return;
  const own = managedStreet(actor);
  if (!own || after.street !== own || (after.streetId !== null && after.streetId !== own)) {
    throw forbidden("街道管理员只能管理本街道的人员");
  }
}

/** A street admin's own street needs the role to mean anything. */
export const needsStreet = (roles: readonly Role[]) => hasRole({ roles: [...roles] }, "street_admin");
