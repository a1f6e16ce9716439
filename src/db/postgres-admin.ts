import pg from "pg";

/** Runs SQL on its own connection (CREATE/DROP DATABASE, a first probe); `connectTimeoutMs` bounds connecting. */
export async function adminQuery(url: string, sql: string, connectTimeoutMs?: number): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs });
  try {
    await client.connect();
    await client.query(sql);
  } finally {
    await client.end().catch(() => {});
  }
}

/** The same server's URL for another database. */
export function urlForDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
