#!/usr/bin/env node
// kinto-edge command line: `attach`, `import`, `export`, `load`, `dump` (README "Command line").
// Every failure is one line on stderr, `kinto-edge: …`, with the exit status of lib/errors.mjs:
// 0 done, 1 refused or failed by a server, 2 bad usage or input, 3 server unreachable.
import console from "node:console";
import process from "node:process";
import { Command, CommanderError } from "commander";
import { register as attach } from "./commands/attach.mjs";
import { register as dump } from "./commands/dump.mjs";
import { register as exportCommand } from "./commands/export.mjs";
import { register as importCommand } from "./commands/import.mjs";
import { register as load } from "./commands/load.mjs";
import { CliError, EXIT } from "./lib/errors.mjs";

const program = new Command("kinto-edge")
  .description("Operator tools for a Kinto server (kinto-edge or Kinto)")
  .exitOverride()
  .showHelpAfterError("(add --help for usage)");
for (const add of [attach, importCommand, exportCommand, load, dump]) add(program);
for (const command of program.commands) command.exitOverride();

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // commander printed the message (or the help) already.
    const done = ["commander.helpDisplayed", "commander.help", "commander.version"].includes(error.code);
    process.exitCode = done ? 0 : EXIT.usage;
  } else {
    console.error(`kinto-edge: ${error instanceof CliError ? error.message : (error?.message ?? error)}`);
    process.exitCode = error instanceof CliError ? error.status : EXIT.refused;
  }
}
