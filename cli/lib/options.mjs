// Options shared by several commands.
import process from "node:process";
import { Option } from "commander";

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
