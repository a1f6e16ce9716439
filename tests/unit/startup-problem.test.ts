import net from "node:net";
import { assertPortFree, connectionProblem, listenProblem, StartupProblem } from "../../src/db/startup-problem";

const URL = "postgresql://kg:secret@db.example.se:5544/kunskapsgraf";

describe("first-connection problems: one line naming cause and fix, never the password", () => {
  it.each([
    ["ECONNREFUSED", "connection was refused"],
    ["ENOTFOUND", "Cannot find the host db.example.se"],
    ["ETIMEDOUT", "did not answer"],
    ["28P01", 'refused the user "kg"'],
    ["28000", 'refused the user "kg"'],
    ["3D000", 'The database "kunskapsgraf" does not exist on db.example.se:5544'],
  ])("%s", (code, text) => {
    const problem = connectionProblem({ code, message: 'password authentication failed for user "kg"' }, URL);
    expect(problem).toBeInstanceOf(StartupProblem);
    expect(problem!.message).toContain(text);
    expect(problem!.message).not.toContain("secret");
    expect(problem!.message).not.toContain("\n");
  });

  it("leaves unknown failures alone", () => {
    expect(connectionProblem({ code: "XX000", message: "internal" }, URL)).toBeUndefined();
  });

  it("names the setting to change when a port cannot be listened on", () => {
    expect(
      listenProblem(Object.assign(new Error("x"), { code: "EADDRINUSE" }), 4000, "127.0.0.1", "PORT").message,
    ).toBe("Port 4000 on 127.0.0.1 is taken by another program. Stop it, or choose another port with PORT=4001.");
    const other = Object.assign(new Error("other"), { code: "EIO" });
    expect(listenProblem(other, 4000, "127.0.0.1", "PORT")).toBe(other);
  });

  it("finds a taken port before anything starts", async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    const { port } = holder.address() as net.AddressInfo;
    try {
      await expect(assertPortFree(port, "127.0.0.1", "EMBEDDED_DB_PORT")).rejects.toThrow(
        `with EMBEDDED_DB_PORT=${port + 1}`,
      );
    } finally {
      holder.close();
    }
    await expect(assertPortFree(port, "127.0.0.1", "EMBEDDED_DB_PORT")).resolves.toBeUndefined();
  });
});
