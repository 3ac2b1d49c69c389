// Builds the VS Code extension: `node lsp/vscode/build.mjs [--package]`.
// - bundles src/extension.ts with vscode-languageclient into dist/extension.js (esbuild; the
//   `vscode` module is provided by the editor);
// - puts the JSON Schema of the YAML form into schemas/policy.schema.json, for Red Hat's YAML
//   extension (`yamlValidation`): spec/policy.schema.json when it is there, else the schema
//   generated from its source, language/policy-schema.ts;
// - with `--package`, packs dist/hush-policy-<version>.vsix with @vscode/vsce.
// dist/ and schemas/ are generated and git-ignored.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const dist = join(here, 'dist');

await build({
  entryPoints: [join(here, 'src', 'extension.ts')],
  outfile: join(dist, 'extension.js'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  external: ['vscode'],
  sourcemap: false,
  minify: true,
  logLevel: 'warning',
});

mkdirSync(join(here, 'schemas'), { recursive: true });
const schemaOut = join(here, 'schemas', 'policy.schema.json');
const specSchema = join(root, 'spec', 'policy.schema.json');
if (existsSync(specSchema)) {
  copyFileSync(specSchema, schemaOut);
} else {
  // No written schema yet: bundle its TypeScript source and print it.
  const tmp = join(dist, 'policy-schema.mjs');
  await build({ entryPoints: [join(root, 'language', 'policy-schema.ts')], outfile: tmp, bundle: true, platform: 'node', format: 'esm', logLevel: 'warning' });
  const { POLICY_SCHEMA } = await import(pathToFileURL(tmp).href);
  writeFileSync(schemaOut, `${JSON.stringify(POLICY_SCHEMA, null, 2)}\n`);
  rmSync(tmp);
}

process.stdout.write(`built ${join('lsp', 'vscode', 'dist', 'extension.js')} and ${join('lsp', 'vscode', 'schemas', 'policy.schema.json')}\n`);

if (process.argv.includes('--package')) {
  const { version, name } = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8'));
  const out = join(dist, `${name}-${version}.vsix`);
  const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  try {
    execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--skip-license', '--allow-missing-repository', '--out', out], { cwd: here, stdio: 'inherit' });
    process.stdout.write(`packaged ${out}\n`);
  } catch (e) {
    process.stderr.write(`packaging failed (vsce): ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  }
}
