/** Every plugin the server ships; each is active only while its settings enable it. */
import { accountsPlugin } from "./accounts";
import { adminPlugin } from "./admin";
import { attachmentPlugin } from "./attachment";
import { defaultBucketPlugin } from "./default-bucket";
import { flushPlugin } from "./flush";
import { historyPlugin } from "./history";
import { openIDPlugin } from "./openid";
import { pushPlugin } from "./push";
import { remoteSettingsPlugin } from "./remote-settings";
import { searchPlugin } from "./search";
import type { Plugin } from "./plugin";

export const PLUGINS: readonly Plugin[] = [accountsPlugin, adminPlugin, attachmentPlugin, defaultBucketPlugin, flushPlugin, historyPlugin, openIDPlugin, pushPlugin, remoteSettingsPlugin, searchPlugin];
