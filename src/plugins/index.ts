/** Every plugin the server ships; each is active only while its settings enable it. */
import { accountsPlugin } from "./accounts";
import { flushPlugin } from "./flush";
import type { Plugin } from "./plugin";

export const PLUGINS: readonly Plugin[] = [accountsPlugin, flushPlugin];
