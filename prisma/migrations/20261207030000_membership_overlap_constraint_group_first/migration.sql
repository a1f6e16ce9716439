-- Members are read by group (a group's members, chair, members on a date), far more often than by
-- person, and the person's look-ups have their own index (membership_person_id_idx). The GiST index
-- behind the overlap exclusion constraint led with person_id, so the planner used it for the
-- group look-ups and read the whole index for each group. Recreated with group_id first it serves
-- those look-ups directly and checks overlaps exactly as before (the same columns and operators).
-- kg_membership_one_chair already leads with group_id. No other table has an exclusion constraint.
ALTER TABLE "membership" DROP CONSTRAINT "kg_membership_no_overlap";
ALTER TABLE "membership" ADD CONSTRAINT "kg_membership_no_overlap" EXCLUDE USING gist (
  "group_id" WITH =, "person_id" WITH =, "role" WITH =, daterange("valid_from", "valid_to", '[]') WITH &&
);
