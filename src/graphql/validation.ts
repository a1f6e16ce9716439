import { applyDecorators } from "./decorators";
import {
  ArrayMaxSize,
  IsOptional,
  IsInt,
  Min,
  ValidateBy,
  ValidateNested,
  type ValidationArguments,
  type ValidationOptions,
} from "class-validator";
import { ArgsType, Field, type ClassType } from "type-graphql";

// Every pattern here is checked for super-linear backtracking: by eslint-plugin-regexp
// (eslint.config.mjs) and against adversarial inputs in tests/regex-safety.test.ts.
export const HSA_ID = /^SE\d{10}-[A-Za-z0-9]{1,31}$/;
export const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const COUNTY_CODE = /^\d{2}$/;
export const MUNICIPALITY_CODE = /^\d{4}$/;
/** Something before the @, and a domain of dot-separated labels; no label can match in two ways, so a failed match is linear. */
export const EMAIL = /^[^\s@]+@[^\s.@]+(?:\.[^\s.@]+)+$/;
export const PHONE = /^\+?\d[\d ()-]{4,30}$/;
export const NOT_BLANK = /\S/;
export const SOURCE_SYSTEM = /^[A-Za-z0-9][\w.:-]*$/;

/** Bounds on identifiers and opaque values that have no format of their own here. */
export const MAX_ID_LENGTH = 200;
export const MAX_CURSOR_LENGTH = 1000;
export const MAX_SLUG_LENGTH = 100;

/**
 * A string of at most `maxLength` characters matching `pattern`. The length is checked first
 * and the pattern is not run on a longer value, so no pattern ever sees an unbounded input.
 * `each: true` checks every item of a list.
 */
export function BoundedMatches(
  pattern: RegExp,
  maxLength: number,
  message: string,
  options: ValidationOptions = {},
): PropertyDecorator {
  return ValidateBy(
    {
      name: "boundedMatches",
      constraints: [pattern, maxLength],
      validator: {
        validate: (value: unknown) => typeof value === "string" && value.length <= maxLength && pattern.test(value),
        defaultMessage: (args?: ValidationArguments) =>
          typeof args?.value === "string" && args.value.length > maxLength
            ? `$property must be at most ${maxLength} characters`
            : typeof args?.value === "string"
              ? message
              : "$property must be a string",
      },
    },
    options,
  );
}

/** A string of at most `maxLength` characters (each item of a list with `each: true`). */
export function Bounded(maxLength: number, options: ValidationOptions = {}): PropertyDecorator {
  return ValidateBy(
    {
      name: "bounded",
      constraints: [maxLength],
      validator: {
        validate: (value: unknown) => typeof value === "string" && value.length <= maxLength,
        defaultMessage: () => `$property must be at most ${maxLength} characters`,
      },
    },
    options,
  );
}

/** A required text: not blank, at most `max` characters. */
export function Text(max = 200): PropertyDecorator {
  return BoundedMatches(NOT_BLANK, max, "$property must not be blank");
}

/** An optional text: absent, null, or not blank and at most `max` characters. */
export function OptionalText(max = 2000): PropertyDecorator {
  return applyDecorators(IsOptional(), Text(max));
}

export function OptionalHsaId(): PropertyDecorator {
  return applyDecorators(
    IsOptional(),
    BoundedMatches(HSA_ID, 50, "$property must be an HSA-id such as SE2321000131-P000000000001"),
  );
}

export function OptionalEmail(): PropertyDecorator {
  return applyDecorators(IsOptional(), BoundedMatches(EMAIL, 254, "$property must be an e-mail address"));
}

export function OptionalPhone(): PropertyDecorator {
  return applyDecorators(
    IsOptional(),
    BoundedMatches(PHONE, 40, "$property must be a telephone number such as +46 60 18 10 00"),
  );
}

export function Slug(
  message = "$property must be lower-case letters and digits joined by single hyphens, e.g. lpo-22-psykisk-halsa",
): PropertyDecorator {
  return BoundedMatches(SLUG, MAX_SLUG_LENGTH, message);
}

export function OptionalSlug(message?: string): PropertyDecorator {
  return applyDecorators(IsOptional(), Slug(message));
}

export function CountyCode(
  message = "$property must be a two-digit county code (länskod), e.g. 22",
): PropertyDecorator {
  return BoundedMatches(COUNTY_CODE, 2, message);
}

export function OptionalCountyCode(message?: string): PropertyDecorator {
  return applyDecorators(IsOptional(), CountyCode(message));
}

export function MunicipalityCode(
  message = "$property must be a four-digit municipality code (kommunkod), e.g. 2281",
): PropertyDecorator {
  return BoundedMatches(MUNICIPALITY_CODE, 4, message);
}

export function OptionalMunicipalityCode(message?: string): PropertyDecorator {
  return applyDecorators(IsOptional(), MunicipalityCode(message));
}

/** A global ID (or another opaque id): its format is checked where it is used, its length here. */
export function Id(): PropertyDecorator {
  return Bounded(MAX_ID_LENGTH);
}

export function OptionalId(): PropertyDecorator {
  return applyDecorators(IsOptional(), Id());
}

/** An optional list of at most `maxItems` global IDs. */
export function OptionalIds(maxItems: number): PropertyDecorator {
  return applyDecorators(IsOptional(), ArrayMaxSize(maxItems), Bounded(MAX_ID_LENGTH, { each: true }));
}

/** An optional list of at most `maxItems` values of an enum (the enum bounds each item; the default leaves room for every value of any enum here). */
export function OptionalEnumList(maxItems = 50): PropertyDecorator {
  return applyDecorators(IsOptional(), ArrayMaxSize(maxItems));
}

/** An opaque page cursor; its contents are checked by the list it comes from. */
export function OptionalCursor(): PropertyDecorator {
  return applyDecorators(IsOptional(), Bounded(MAX_CURSOR_LENGTH));
}

export function Sources(): PropertyDecorator {
  return applyDecorators(IsOptional(), ArrayMaxSize(50), Bounded(2000, { each: true }));
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
