// Progress on stderr: a cli-progress bar on a terminal, else a plain line at most every
// PLAIN_INTERVAL_MS (and at the end), so logs stay readable.
import process from "node:process";
import cliProgress from "cli-progress";

const PLAIN_INTERVAL_MS = 2000;

export class Progress {
  /** @param {string} unit what is counted, e.g. "records" */
  constructor(unit, total) {
    this.unit = unit;
    this.total = total;
    this.value = 0;
    this.lastLine = 0;
    this.label = "";
    this.bar = process.stderr.isTTY
      ? new cliProgress.SingleBar(
          { stream: process.stderr, format: `${unit} {bar} {value}/{total} {percentage}% | {label}`, hideCursor: true, clearOnComplete: false },
          cliProgress.Presets.shades_classic,
        )
      : null;
    this.bar?.start(total, 0, { label: "" });
  }

  /** `count` more done, while working on `label`. */
  add(count, label = this.label) {
    this.value += count;
    this.label = label;
    if (this.bar) {
      this.bar.update(this.value, { label });
      return;
    }
    if (Date.now() - this.lastLine >= PLAIN_INTERVAL_MS) this.line();
  }

  line() {
    this.lastLine = Date.now();
    process.stderr.write(`${this.unit} ${this.value}/${this.total}${this.label ? ` (${this.label})` : ""}\n`);
  }

  stop() {
    if (this.bar) this.bar.stop();
    else this.line();
  }
}

/** `1 record`, `2 records`. */
export function plural(count, noun) {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
