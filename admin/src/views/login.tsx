/** Sign-in: user + password (Kinto accounts or basicauth), or an OpenID provider's login flow. */
import { useState } from "preact/hooks";
import { Api, apiBase } from "../api";
import { ErrorBox, useAction } from "../components";
import type { ServerInfo } from "../server";
import { basicAuthorization, saveSession, type Session } from "../session";

type Method = "account" | "basicauth";

/**
 * The password methods the server offers. Under `account basicauth`, a wrong account password
 * falls through to basicauth (another user): "account" therefore checks that the server took
 * the pair as `account:<user>`.
 */
function methodsOf(server: ServerInfo | undefined): Method[] {
  const methods: Method[] = [];
  if (server?.capabilities.accounts !== undefined) methods.push("account");
  if (server?.capabilities.basicauth !== undefined) methods.push("basicauth");
  return methods;
}

export function Login({ server, onLogin }: { server: ServerInfo | undefined; onLogin: (session: Session) => void }) {
  const [user, setUser] = useState("");
  const [password, setPassword] = useState("");
  const [chosen, setChosen] = useState<Method | null>(null);
  const action = useAction();
  const providers = server?.capabilities.openid?.providers ?? [];
  const methods = methodsOf(server);
  const method = chosen ?? methods[0] ?? "basicauth";

  const submit = (event: Event): void => {
    event.preventDefault();
    void action.run(async () => {
      const session = { authorization: basicAuthorization(user, password), method };
      const hello = await new Api(apiBase(location), session.authorization).hello();
      if (hello.user === undefined) throw new Error("The server did not accept these credentials.");
      if (method === "account" && hello.user.id !== `account:${user}`) throw new Error(`No account ${user} with this password.`);
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
        {methods.length > 1 ? (
          <label>
            sign in with{" "}
            <select name="method" value={method} onChange={(e) => setChosen(e.currentTarget.value as Method)}>
              {methods.map((m) => <option value={m}>{m === "account" ? "an account" : "basic auth (any user and password)"}</option>)}
            </select>
          </label>
        ) : null}
        <label>
          user <input name="user" autocomplete="username" value={user} onInput={(e) => setUser(e.currentTarget.value)} required />
        </label>
        <label>
          password{" "}
          <input name="password" type="password" autocomplete="current-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} required />
        </label>
        <button type="submit" disabled={action.busy}>Sign in</button>
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
