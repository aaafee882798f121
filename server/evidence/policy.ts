import type { PersonFacts } from "../accounts/policy.ts";
import { isOrganiser, managedStreet, type StreetHolder } from "../auth/policy.ts";
import { forbidden } from "../lib/errors.ts";

/**
 * Who may see and write a person's 成长档案. The person, their mentors (the mentor of a studio they
 * are a mentee in), the street admin of their street and organisers see it; nobody else, peers
 * included. Levels are changed by organisers and the street admin; notes are written by mentors,
 * organisers and the street admin — never on one's own record.
 */
type Viewer = StreetHolder & { id: string };

const overseesStreet = (viewer: Viewer, person: PersonFacts) => {
  const own = managedStreet(viewer);
  return own !== null && person.street === own;
};

export function canSeeRecord(viewer: Viewer, person: PersonFacts, mentorIds: readonly string[]): boolean {
  return (
    viewer.id === person.id || isOrganiser(viewer) || overseesStreet(viewer, person) || mentorIds.includes(viewer.id)
  );
}

export function requireSeeRecord(viewer: Viewer, person: PersonFacts, mentorIds: readonly string[]): void {
  if (!canSeeRecord(viewer, person, mentorIds))
    throw forbidden("只有本人、其导师、所在街道管理员和组织部可以查看成长档案");
}

export const canChangeLevel = (viewer: Viewer, person: PersonFacts) =>
  viewer.id !== person.id && (isOrganiser(viewer) || overseesStreet(viewer, person));

export function requireChangeLevel(viewer: Viewer, person: PersonFacts): void {
  if (!canChangeLevel(viewer, person)) throw forbidden("只有组织部或所在街道管理员可以调整层级，且不能调整自己的层级");
}

export const canWriteNote = (viewer: Viewer, person: PersonFacts, mentorIds: readonly string[]) =>
  viewer.id !== person.id && (isOrganiser(viewer) || overseesStreet(viewer, person) || mentorIds.includes(viewer.id));

export function requireWriteNote(viewer: Viewer, person: PersonFacts, mentorIds: readonly string[]): void {
  if (!canWriteNote(viewer, person, mentorIds)) throw forbidden("只有其导师、所在街道管理员和组织部可以写评语");
}
