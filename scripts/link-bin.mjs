// Runs on `npm install` / `npm ci` (the `prepare` script): npm never links a package's own bin
// into its own node_modules/.bin, so `npx hush` and node_modules/.bin/hush would not find the
// command inside the project. This links it, so `hush` works the same in the project and after
// a global install.
import { mkdirSync, rmSync, symlinkSync, chmodSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const binDir = join(root, 'node_modules', '.bin');
const link = join(binDir, 'hush');
mkdirSync(binDir, { recursive: true });
rmSync(link, { force: true });
symlinkSync(join('..', '..', 'bin', 'hush.js'), link);
chmodSync(join(root, 'bin', 'hush.js'), 0o755);
