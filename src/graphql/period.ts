import { IsOptional } from "class-validator";
import { GraphQLDate } from "./scalars";
import { ArgsType, Field } from "type-graphql";
import { PageArgs } from "./pagination";

/** The calendar day (UTC) as PostgreSQL `date` values compare. */
export function today(): Date {
  return new Date(new Date().toISOString().slice(0, 10));
}

/** A calendar day as PostgreSQL and the API write it: "2024-03-01". */
export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function yesterday(): Date {
  return new Date(today().getTime() - 86_400_000);
}

/** The day asked about: today when omitted, every period when null. */
export function dayOf(activeOn: Date | null | undefined): Date | null {
  return activeOn === undefined ? today() : activeOn;
}

// "In force on a day" itself, in its JavaScript, Prisma and SQL forms, is in src/db/period.ts.

export const ACTIVE_ON_DESCRIPTION =
  'Only what was in force on this day, e.g. "2024-03-01". Defaults to today; null includes every period, ended ones too.';

@ArgsType()
export class ActiveOnArgs {
  @Field(() => GraphQLDate, { nullable: true, description: ACTIVE_ON_DESCRIPTION })
  @IsOptional()
  activeOn?: Date | null;
}

@ArgsType()
export class ActiveOnPageArgs extends PageArgs {
  @Field(() => GraphQLDate, { nullable: true, description: ACTIVE_ON_DESCRIPTION })
  @IsOptional()
  activeOn?: Date | null;
}
