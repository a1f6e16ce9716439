import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { startTestServer, type TestServer } from "./support/test-server";

// Debian's chromium package (installed by .ci/run and scripts/ensure-chromium.sh); no browser is downloaded.
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ARTIFACTS = path.join(__dirname, "..", "test-artifacts");

/** Waits until the element's text contains `text` (the page renders asynchronously). */
function textAppears(page: Page, selector: string, text: string): Promise<unknown> {
  // Given as source text: it runs in the browser, untouched by the test transpiler.
  const contains = `document.querySelector(${JSON.stringify(selector)})?.textContent?.includes(${JSON.stringify(text)}) ?? false`;
  return page.waitForFunction(contains, undefined, { timeout: 30_000 });
}

let server: TestServer;
let browser: Browser;
beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`No Chromium at ${CHROMIUM}: run scripts/ensure-chromium.sh (as root) or set CHROMIUM_PATH`);
  server = await startTestServer({ dataset: 1 });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-dev-shm-usage"] });
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("GraphiQL", () => {
  it("is served at the GraphQL URL to browsers, runs an example query and shows the docs, with no request leaving the machine", async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const outside: string[] = [];
    await context.route("**/*", (route) => {
      const { hostname } = new URL(route.request().url());
      if (hostname === "127.0.0.1" || hostname === "localhost") return route.continue();
      outside.push(route.request().url());
      return route.abort();
    });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));

    const response = await page.goto(server.url);
    expect(response!.headers()["content-type"]).toMatch(/^text\/html/);
    await page.locator(".graphiql-execute-button").click();
    // The result editor renders only the lines in view: the top of the chain is enough.
    await textAppears(page, ".graphiql-response", '"name": "Psykisk hälsa"');
    expect(await page.locator(".graphiql-response").textContent()).toContain('"governanceChain"');

    await page.locator('button[aria-label="Show Documentation Explorer"]').click();
    await textAppears(page, ".graphiql-doc-explorer", "Root Types");
    await page.locator(".graphiql-doc-explorer a", { hasText: "Query" }).first().click();
    await textAppears(page, ".graphiql-doc-explorer", "The chain for one NPO in one region");

    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, "graphiql.png") });
    expect(outside).toEqual([]);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it("runs the dry-run sync example with an API key entered in the Headers pane", async () => {
    const headers = await server.keyHeaders(["write:region:22"], "graphiql-user");
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    await context.route("**/*", (route) =>
      ["127.0.0.1", "localhost"].includes(new URL(route.request().url()).hostname) ? route.continue() : route.abort(),
    );
    const page = await context.newPage();
    await page.goto(server.url);
    await page.locator(".graphiql-tab", { hasText: "DryRunSync" }).click();
    await page.locator(".graphiql-editor-tools button", { hasText: "Headers" }).click();
    await page.locator(".graphiql-editor-tool .CodeMirror").last().click();
    await page.keyboard.insertText(JSON.stringify({ Authorization: headers.authorization }));
    await page.locator(".graphiql-execute-button").click();
    await textAppears(page, ".graphiql-response", '"applied": false');
    const result = await page.locator(".graphiql-response").textContent();
    expect(result).toContain('"created": 2');
    expect(result).not.toContain("UNAUTHENTICATED");
    await page.screenshot({ path: path.join(ARTIFACTS, "graphiql-dry-run-sync.png") });
    expect(await server.prisma.membership.count({ where: { sourceSystem: "hr-22" } })).toBe(0);
    await context.close();
  });

  it("still answers API clients at the same URL", async () => {
    const response = await fetch(`${server.url}?query=${encodeURIComponent("{ regions { countyCode } }")}`, {
      headers: { accept: "application/json", "apollo-require-preflight": "1" },
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { data: { regions: unknown[] } }).data.regions).toHaveLength(21);
  });
});
