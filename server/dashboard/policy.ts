import { isOrganiser, managedStreet, type StreetHolder } from "../auth/policy.ts";
import { forbidden } from "../lib/errors.ts";

/**
 * Whose year the dashboard shows this viewer: organisers the district or any street they pick, a
 * street admin only their own street, everyone else nothing (403). Returns the street, or
 * undefined for the whole district.
 */
export function dashboardScope(viewer: StreetHolder, askedStreetId: string | undefined): string | undefined {
  if (isOrganiser(viewer)) return askedStreetId;
  const street = managedStreet(viewer);
  if (!street) throw forbidden("只有组织部和街道管理员可以查看区级看板");
  if (askedStreetId && askedStreetId !== street) throw forbidden("只能查看本街道的看板");
  return street;
}
