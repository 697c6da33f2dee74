/**
 * `node --import tsx packages/web/src/build/main.ts [outDir]`: builds the web client
 * (default packages/web/dist) and prints the bundle's SHA-256 and file sizes.
 */
import { buildWebBundle } from './bundle.ts';

const outDir = process.argv[2];
const result = await buildWebBundle(outDir === undefined ? {} : { outDir });
process.stdout.write(`web client built in ${result.outDir}\napp.js sha256 ${result.bundleSha256}\n`);
for (const [name, size] of Object.entries(result.files)) process.stdout.write(`  ${name} ${size} bytes\n`);
