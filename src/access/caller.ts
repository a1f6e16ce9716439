import type { Scope } from "./scopes";

/** Who is making a request: an API key, or anonymous. */
export interface Caller {
  /** The key's name, or "anonymous". Recorded in logs and the audit trail. */
  name: string;
  keyId: string | null;
  scopes: readonly Scope[];
}

export function anonymousCaller(scopes: readonly Scope[]): Caller {
  return { name: "anonymous", keyId: null, scopes };
}
