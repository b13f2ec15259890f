/**
 * Which parts of `kinto_remote_settings` are on: both with that name, one each with the legacy
 * names Remote Settings still accepts (`kinto_changes`, `kinto_signer`).
 */
import type { Settings } from "../../config";
import { isIncluded } from "../plugin";

export const REMOTE_SETTINGS = "kinto_remote_settings";
export const CHANGES_ALIAS = "kinto_changes";
export const SIGNER_ALIAS = "kinto_signer";

export const changesOn = (settings: Settings): boolean => isIncluded(settings, REMOTE_SETTINGS) || isIncluded(settings, CHANGES_ALIAS);
export const signerOn = (settings: Settings): boolean => isIncluded(settings, REMOTE_SETTINGS) || isIncluded(settings, SIGNER_ALIAS);
