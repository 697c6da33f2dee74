/** Entry point of `sealed-server disclose ...` (bin/sealed-server.mjs routes the subcommand here). */
import { runDisclose } from './cli.ts';

const args = process.argv.slice(2);
process.exitCode = await runDisclose(args[0] === 'disclose' ? args.slice(1) : args, process.env, {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
