import net from "node:net";

/**
 * A reason the service or a command cannot start that the person starting it can fix: its
 * message is one line naming the cause and the fix, printed without a stack trace.
 */
export class StartupProblem extends Error {
  override name = "StartupProblem";
}

/** Fails at once, before any database work, when `port` on `host` cannot be listened on. */
export async function assertPortFree(port: number, host: string, setting: string): Promise<void> {
  if (port === 0) return;
  const problem = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
    const probe = net.createServer();
    probe.once("error", (error: NodeJS.ErrnoException) => resolve(error));
    probe.listen(port, host, () => probe.close(() => resolve(undefined)));
  });
  if (problem) throw listenProblem(problem, port, host, setting);
}

/** The one-line explanation of a failure to listen, or the error itself when it is something else. */
export function listenProblem(error: NodeJS.ErrnoException, port: number, host: string, setting: string): Error {
  if (error.code === "EADDRINUSE")
    return new StartupProblem(
      `Port ${port} on ${host} is taken by another program. Stop it, or choose another port with ${setting}=${port + 1}.`,
    );
  if (error.code === "EACCES")
    return new StartupProblem(
      `Port ${port} on ${host} needs privileges this process lacks. Choose a port above 1023 with ${setting}.`,
    );
  if (error.code === "EADDRNOTAVAIL" || error.code === "ENOTFOUND")
    return new StartupProblem(
      `${host} is not an address of this machine. Set HOST to one that is, e.g. 127.0.0.1 or 0.0.0.0.`,
    );
  return error;
}

interface PgConnectError {
  code?: string;
  message?: string;
}

/**
 * The one-line explanation of a failed first connection to an external PostgreSQL, or undefined
 * for a failure this does not recognise. `url` is DATABASE_URL (its password is never printed).
 */
export function connectionProblem(error: unknown, url: string): StartupProblem | undefined {
  const { code, message = "" } = (error ?? {}) as PgConnectError;
  const target = new URL(url);
  const where = `${target.hostname || "localhost"}:${target.port || "5432"}`;
  const user = decodeURIComponent(target.username) || "the default user";
  const database = decodeURIComponent(target.pathname.slice(1)) || user;
  switch (code) {
    case "ECONNREFUSED":
      return new StartupProblem(
        `Cannot reach PostgreSQL at ${where}: the connection was refused. Is the server running there? Check the host and port in DATABASE_URL.`,
      );
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return new StartupProblem(
        `Cannot find the host ${target.hostname} of DATABASE_URL. Check its spelling, or the network's name service.`,
      );
    case "ETIMEDOUT":
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return new StartupProblem(
        `PostgreSQL at ${where} did not answer. Check the host and port in DATABASE_URL and that a firewall lets this machine through.`,
      );
    case "28P01":
    case "28000":
      return new StartupProblem(
        `PostgreSQL at ${where} refused the user "${user}" (${message.replace(/\s+/g, " ").trim()}). Check the user and password in DATABASE_URL.`,
      );
    case "3D000":
      return new StartupProblem(
        `The database "${database}" does not exist on ${where}, and the user "${user}" may not create it. Create it (e.g. createdb -h ${target.hostname} -p ${target.port || "5432"} -U ${user} ${database}) or name an existing one in DATABASE_URL.`,
      );
  }
  if (/timeout/i.test(message))
    return new StartupProblem(
      `PostgreSQL at ${where} did not answer in time. Check the host and port in DATABASE_URL and that a firewall lets this machine through.`,
    );
  return undefined;
}
