import { Prisma } from "../generated/prisma/client";

/**
 * Swedish alphabetical order in SQL (å, ä, ö after z), for lists ordered and paged by name in the
 * database: ICU's "sv" collation, which PostgreSQL built with ICU (the embedded server, the
 * Debian and official packages) creates in every database. The database's own collation is
 * C.UTF-8 (byte order, Ä before Å). It orders as `Intl.Collator("sv")` does in src/graphql/order.ts.
 */
export const SWEDISH = Prisma.raw(`"sv-x-icu"`);
