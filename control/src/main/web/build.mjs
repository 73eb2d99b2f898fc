// Copies the dashboard's own files and uPlot's browser build into the folder the Maven build names, and lists them
// in files.txt, which the control plane reads to know what it serves. No bundler: the page is plain ES modules.
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = process.argv[2];
if (!out) {
  console.error("usage: node build.mjs OUTPUT_DIR");
  process.exit(2);
}
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const files = [];
function copy(from, name) {
  copyFileSync(from, join(out, name));
  files.push(name);
}
for (const name of readdirSync(join(here, "src")).sort()) {
  copy(join(here, "src", name), name);
}
const uplot = join(here, "node_modules", "uplot", "dist");
copy(join(uplot, "uPlot.esm.js"), "uPlot.esm.js");
copy(join(uplot, "uPlot.min.css"), "uPlot.min.css");
copy(join(here, "node_modules", "uplot", "LICENSE"), "uPlot.LICENSE.txt");

writeFileSync(join(out, "files.txt"), files.join("\n") + "\n");
console.log(`dashboard: ${files.length} files into ${out}`);
