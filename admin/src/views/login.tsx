/** Sign-in: user + password (Kinto accounts or basicauth), or an OpenID provider's login flow. */
import { useState } from "preact/hooks";
import { Api, apiBase } from "../api";
import { ErrorBox, useAction } from "../components";
import type { ServerInfo } from "../server";
import { basicAuthorization, saveSession, type Session } from "../session";

export function Login({ server, onLogin }: { server: ServerInfo | undefined; onLogin: (session: Session) => void }) {
  const [user, setUser] = useState("");
  const [password, setPassword] = useState("");
  const action = useAction();
  const providers = server?.capabilities.openid?.providers ?? [];
  const method = server?.capabilities.accounts !== undefined ? "account" : "basicauth";

  const submit = (event: Event): void => {
    event.preventDefault();
    void action.run(async () => {
      const session = { authorization: basicAuthorization(user, password), method };
      const hello = await new Api(apiBase(location), session.authorization).hello();
      if (hello.user === undefined) throw new Error("The server did not accept these credentials.");
      saveSession(session);
      onLogin(session);
    });
  };

  const openid = (path: string, name: string): void => {
    const callback = `${location.origin}${location.pathname}#/openid/${encodeURIComponent(name)}/`;
    location.href = `${apiBase(location)}${path}?callback=${encodeURIComponent(callback)}&scope=${encodeURIComponent("openid email")}`;
  };

  return (
    <main class="login">
      <h1>kinto-edge admin</h1>
      {server ? <p class="muted">{server.url}</p> : null}
      <form id="login" onSubmit={submit}>
        <label>
          user <input name="user" autocomplete="username" value={user} onInput={(e) => setUser(e.currentTarget.value)} required />
        </label>
        <label>
          password{" "}
          <input name="password" type="password" autocomplete="current-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} required />
        </label>
        <button type="submit" disabled={action.busy}>
          Sign in ({method})
        </button>
      </form>
      {providers.map((provider) => (
        <button class="openid" data-provider={provider.name} onClick={() => openid(provider.auth_path, provider.name)}>
          Sign in with {provider.name}
        </button>
      ))}
      <ErrorBox error={action.error} />
    </main>
  );
}

/**
 * The OpenID callback: the server redirected to `#/openid/<provider>/<url-quoted base64 of the
 * provider's token answer>`; the access token becomes the session.
 */
export function sessionFromOpenID(server: ServerInfo, provider: string, token: string): Session {
  const info = server.capabilities.openid?.providers.find((p) => p.name === provider);
  if (info === undefined) throw new Error(`Unknown OpenID provider ${provider}.`);
  const answer = JSON.parse(atob(decodeURIComponent(token))) as { access_token?: unknown };
  if (typeof answer.access_token !== "string") throw new Error("The provider's answer has no access token.");
  return { authorization: `${info.header_type} ${answer.access_token}`, method: provider };
}
