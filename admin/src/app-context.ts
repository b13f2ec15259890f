/** What every screen needs: the API client of the signed-in user and the server's hello. */
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { Api } from "./api";
import type { ServerInfo } from "./server";

export interface AppState {
  api: Api;
  server: ServerInfo;
}

export const AppContext = createContext<AppState | null>(null);

export function useApp(): AppState {
  const state = useContext(AppContext);
  if (state === null) throw new Error("useApp outside of AppContext");
  return state;
}
