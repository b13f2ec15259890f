// Builds the admin single-page app (admin/src) into admin/dist/v1/admin/, which Workers static
// assets serve at /v1/admin/ (wrangler.toml `[assets]`; `[build]` runs this before `wrangler dev`
// and `wrangler deploy`). Output names carry a content hash, so the same sources give the same
// files: a rebuild of unchanged sources rewrites nothing, and files of older builds are removed.
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import path from "node:path";
import * as esbuild from "esbuild";

const ROOT = path.resolve(import.meta.dirname, "..");
// Hashed files never change: browsers keep them; index.html is revalidated (ETag) every time.
const HEADERS = `/v1/admin/*.js
  Cache-Control: public, max-age=31536000, immutable
/v1/admin/*.css
  Cache-Control: public, max-age=31536000, immutable
`;
const SOURCE = path.join(ROOT, "admin");
const OUT = path.join(SOURCE, "dist", "v1", "admin");

const ENTRY = "admin/src/main.tsx";

const result = await esbuild.build({
  absWorkingDir: ROOT,
  entryPoints: [ENTRY],
  bundle: true,
  splitting: true,
  format: "esm",
  minify: true,
  write: false,
  target: "es2022",
  jsx: "automatic",
  jsxImportSource: "preact",
  outdir: OUT,
  entryNames: "[name]-[hash]",
  chunkNames: "[name]-[hash]",
  assetNames: "[name]-[hash]",
  metafile: true,
  legalComments: "none",
  logLevel: "warning",
});

/** Writes a file only when its content differs (a running `wrangler dev` keeps serving). */
function put(file, contents) {
  if (existsSync(file) && readFileSync(file).equals(Buffer.from(contents))) return;
  writeFileSync(file, contents);
}

mkdirSync(OUT, { recursive: true });
const written = new Set();
let entry = "";
let css = "";
for (const file of result.outputFiles) {
  const name = path.relative(OUT, file.path);
  put(file.path, file.contents);
  written.add(name);
  const meta = result.metafile.outputs[path.relative(ROOT, file.path)];
  // Lazily imported modules are entry points too: the page loads the one of main.tsx.
  if (meta?.entryPoint === ENTRY && name.endsWith(".js")) entry = name;
  if (name.endsWith(".css")) css = name;
}
if (entry === "") throw new Error("esbuild produced no entry file");

const html = readFileSync(path.join(SOURCE, "index.html"), "utf8")
  .replace("%STYLE%", css === "" ? "" : `<link rel="stylesheet" href="${css}">`)
  .replace("%SCRIPT%", `<script type="module" src="${entry}"></script>`);
put(path.join(OUT, "index.html"), html);
written.add("index.html");

put(path.join(SOURCE, "dist", "_headers"), HEADERS);

for (const name of readdirSync(OUT)) {
  if (!written.has(name)) rmSync(path.join(OUT, name), { recursive: true, force: true });
}

const sizes = result.outputFiles.map((file) => `${path.basename(file.path)} ${file.contents.length} B`);
console.log(`admin built into ${path.relative(ROOT, OUT)}: ${sizes.join(", ")}`);
