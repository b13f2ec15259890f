/** The admin's entry: hello, the session, the header bar, and the screen of the current route. */
import { render } from "preact";
import { useEffect, useMemo, useState } from "preact/hooks";
import { Api, apiBase } from "./api";
import { AppContext } from "./app-context";
import { ErrorBox } from "./components";
import { useLoad } from "./hooks";
import { go, href, useRoute, type Route } from "./router";
import { clearSession, loadSession, saveSession, type Session } from "./session";
import "./style.css";
import { Bucket } from "./views/bucket";
import { Buckets } from "./views/buckets";
import { Collection } from "./views/collection";
import { Group } from "./views/group";
import { Login, sessionFromOpenID } from "./views/login";
import { RecordView } from "./views/record";

function Screen({ route }: { route: Route }) {
  switch (route.name) {
    case "buckets":
    case "openid":
      return <Buckets />;
    case "bucket":
      return <Bucket bid={route.bid} tab={route.tab} />;
    case "group":
      return <Group bid={route.bid} gid={route.gid} tab={route.tab} />;
    case "collection":
      return <Collection bid={route.bid} cid={route.cid} tab={route.tab} />;
    case "record":
      return <RecordView bid={route.bid} cid={route.cid} rid={route.rid} tab={route.tab} />;
    case "unknown":
      return <main><p>Nothing at {route.hash}. <a href={href.buckets()}>Buckets</a></p></main>;
  }
}

function App() {
  const route = useRoute();
  const [session, setSession] = useState<Session | null>(loadSession);
  const [openidError, setOpenidError] = useState<unknown>(null);
  const base = apiBase(location);
  const anonymous = useLoad(() => new Api(base, null).hello(), "hello");
  const api = useMemo(() => new Api(base, session?.authorization ?? null), [base, session]);
  const hello = useLoad(() => (session === null ? Promise.resolve(undefined) : api.hello()), session?.authorization ?? "");

  useEffect(() => {
    const server = anonymous.value;
    if (route.name !== "openid" || server === undefined) return;
    try {
      const next = sessionFromOpenID(server, route.provider, route.token);
      saveSession(next);
      setSession(next);
      go(href.buckets());
    } catch (error) {
      setOpenidError(error);
    }
  }, [route, anonymous.value]);

  const signOut = (): void => {
    clearSession();
    setSession(null);
  };
  const server = hello.value;
  if (session === null || (hello.error !== null && server === undefined) || (server !== undefined && server.user === undefined)) {
    return (
      <>
        <ErrorBox error={openidError ?? anonymous.error ?? hello.error} />
        <Login server={anonymous.value} onLogin={setSession} />
      </>
    );
  }
  if (server === undefined) return <p class="boot">kinto-edge admin</p>;
  return (
    <AppContext.Provider value={{ api, server }}>
      <header class="bar">
        <a href={href.buckets()}>kinto-edge admin</a>
        <span class="user" id="user-id">{server.user?.id}</span>
        <button id="sign-out" onClick={signOut}>Sign out</button>
      </header>
      <Screen route={route} />
    </AppContext.Provider>
  );
}

const root = document.getElementById("app");
if (root !== null) {
  root.textContent = "";
  render(<App />, root);
}
