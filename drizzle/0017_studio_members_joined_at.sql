-- Members of studios created before membership history was kept joined when their studio's term began
-- (the column's default would otherwise date them to this migration).
UPDATE "studio_members" AS sm SET "joined_at" = s."term_starts_at" FROM "studios" AS s WHERE s."id" = sm."studio_id";
