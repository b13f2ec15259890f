/**
 * The only error renderer: a KintoError becomes its envelope; anything else becomes a
 * plain 500 (errno 999) whose cause is logged without a stack, and never sent.
 */
import type { ErrorHandler } from "hono";
import { SettingsError } from "../config";
import type { AppEnv } from "../context";
import { KintoError, internalError } from "../errors";

export function renderError(error: KintoError, extraHeaders: Record<string, string> = {}): Response {
  const body = error.body();
  if ("info" in error && typeof error.info === "string") body.info = error.info;
  return new Response(JSON.stringify(body), {
    status: error.status,
    headers: { "Content-Type": "application/json", ...error.headers, ...extraHeaders },
  });
}

/** Bad settings already logged: each is parsed once and rethrown on every request, logged once. */
const logged = new WeakSet<SettingsError>();

/** The response for an unexpected error; logs its name and message only. */
export function unexpected(error: unknown, infoLink: string): Response {
  if (error instanceof SettingsError) {
    if (!logged.has(error)) console.error(error.message);
    logged.add(error);
    return renderError(Object.assign(new KintoError({ status: 500, errno: 999, message: error.message }), { info: infoLink }));
  }
  const described = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  console.error(`Unexpected error: ${described}`);
  return renderError(internalError(infoLink));
}

export const onError: ErrorHandler<AppEnv> = (error, c) => {
  if (error instanceof KintoError) return renderError(error);
  let link = "https://github.com/Kinto/kinto/issues/";
  try {
    link = c.get("settings").errorInfoLink;
  } catch {
    // settings failed to load: keep the default link.
  }
  return unexpected(error, link);
};
