// Failures the CLI reports as one line on stderr, each with its exit status:
//   1  the server refused or failed a request (401/403, 409, 412, 4xx, 5xx)
//   2  bad usage or a bad input file (arguments, YAML, checkpoint)
//   3  the server could not be reached
export const EXIT = { refused: 1, usage: 2, unreachable: 3 };

export class CliError extends Error {
  /**
   * @param {string} message one line, shown after `kinto-edge: `
   * @param {number} [status] exit status
   */
  constructor(message, status = EXIT.refused) {
    super(message);
    this.status = status;
  }
}

/** @param {string} message @returns {never} */
export function usage(message) {
  throw new CliError(message, EXIT.usage);
}
