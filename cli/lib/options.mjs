// Options shared by several commands.
import process from "node:process";
import { InvalidArgumentError, Option } from "commander";

/**
 * Adds `-a, --auth <user:pass>` to `command`.
 * @param {import("commander").Command} command
 */
export function authOption(command, description = "basic auth credentials of the server (default: $KINTO_AUTH)") {
  return command.addOption(new Option("-a, --auth <user:pass>", description));
}

/** The credentials of `--auth`, else $KINTO_AUTH, else none. */
export function credentials(given) {
  return given ?? (process.env.KINTO_AUTH || undefined);
}

/** Commander's parser of an option that takes an integer ≥ 1. */
export function positiveInteger(value) {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new InvalidArgumentError("not an integer ≥ 1");
  return number;
}
