import { applyDecorators } from "./decorators";
import { IsOptional, Matches, MaxLength, ArrayMaxSize, IsInt, Min, ValidateNested } from "class-validator";
import { ArgsType, Field, type ClassType } from "type-graphql";

export const HSA_ID = /^SE[0-9]{10}-[A-Za-z0-9]{1,31}$/;
export const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
export const COUNTY_CODE = /^[0-9]{2}$/;

/** A required text: not blank, at most `max` characters. */
export function Text(max = 200): PropertyDecorator {
  return applyDecorators(Matches(/\S/, { message: "$property must not be blank" }), MaxLength(max));
}

/** An optional text: absent, null, or not blank and at most `max` characters. */
export function OptionalText(max = 2000): PropertyDecorator {
  return applyDecorators(IsOptional(), Text(max));
}

export function OptionalHsaId(): PropertyDecorator {
  return applyDecorators(IsOptional(), Matches(HSA_ID, { message: "$property must be an HSA-id such as SE2321000131-P000000000001" }));
}

export function OptionalEmail(): PropertyDecorator {
  return applyDecorators(IsOptional(), MaxLength(254), Matches(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, { message: "$property must be an e-mail address" }));
}

export function OptionalPhone(): PropertyDecorator {
  return applyDecorators(IsOptional(), Matches(/^\+?[0-9][0-9 ()-]{4,30}$/, { message: "$property must be a telephone number such as +46 60 18 10 00" }));
}

export function Slug(): PropertyDecorator {
  return applyDecorators(Matches(SLUG, { message: "$property must be lower-case letters and digits joined by single hyphens, e.g. lpo-22-psykisk-halsa" }), MaxLength(100));
}

export function OptionalCountyCode(): PropertyDecorator {
  return applyDecorators(IsOptional(), Matches(COUNTY_CODE, { message: "$property must be a two-digit county code (länskod), e.g. 22" }));
}

export function Sources(): PropertyDecorator {
  return applyDecorators(IsOptional(), ArrayMaxSize(50), MaxLength(2000, { each: true }));
}

export function OptionalVersion(): PropertyDecorator {
  return applyDecorators(IsOptional(), IsInt(), Min(1));
}

/**
 * Arguments `(input: T!)` for a mutation, validated as one object so that every failed rule
 * is reported with its full path, e.g. `input.hsaId`.
 */
export function InputArgs<T extends object>(inputType: ClassType<T>) {
  @ArgsType()
  class Arguments {
    @Field(() => inputType, { description: "What to write; see the input type." })
    @ValidateNested()
    input!: T;
  }
  return Arguments;
}
