// Runs axe-core in headless Chromium on the pages given, at WCAG 2.1 AA; prints one JSON object:
// {page: [{id, impact, help, nodes: [html...]}]}. Modules from NODE_PATH (tests/test_accessibility.py
// installs axe-core and puppeteer-core there); Chromium from $CHROMIUM, else /usr/bin/chromium.
const path = require("path");
const puppeteer = require("puppeteer-core");
const axeSource = require.resolve("axe-core/axe.min.js");

(async () => {
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--allow-file-access-from-files"],
  });
  const found = {};
  try {
    for (const file of process.argv.slice(2)) {
      const page = await browser.newPage();
      await page.goto("file://" + path.resolve(file), { waitUntil: "load" });
      await page.addScriptTag({ path: axeSource });
      const result = await page.evaluate(async () =>
        // eslint-disable-next-line no-undef
        axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } })
      );
      found[file] = result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => n.html.slice(0, 200)),
      }));
      await page.close();
    }
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(found, null, 1) + "\n");
})().catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error) + "\n");
  process.exit(2);
});
