/** Small pieces every screen uses: error display, tabs, breadcrumbs, actions with their error. */
import { useState } from "preact/hooks";
import { ApiError } from "./api";
import { href } from "./router";

interface Detail {
  location?: string;
  name?: string | number | null;
  description?: string;
}

function detailsOf(error: ApiError): Detail[] {
  const details = error.body?.details;
  return Array.isArray(details) ? (details as Detail[]) : [];
}

/** A server refusal with its status, errno, message and validation details; any other error as text. */
export function ErrorBox({ error }: { error: unknown }) {
  if (error === null || error === undefined) return null;
  if (error instanceof ApiError) {
    const body = error.body;
    return (
      <div class="error" role="alert">
        <strong>
          {error.status} {body?.error ?? "error"}
          {body ? ` (errno ${body.errno})` : ""}
        </strong>
        {body?.message ? <span class="message">: {body.message}</span> : null}
        {detailsOf(error).length > 0 ? (
          <ul>
            {detailsOf(error).map((d) => (
              <li>
                {d.location} {String(d.name ?? "")}: {d.description}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    );
  }
  return (
    <div class="error" role="alert">
      {error instanceof Error ? error.message : String(error)}
    </div>
  );
}

export function Tabs({ items }: { items: [label: string, target: string, active: boolean][] }) {
  return (
    <nav class="tabs">
      {items.map(([label, target, active]) => (
        <a href={target} class={active ? "active" : ""} data-tab={label.toLowerCase()}>
          {label}
        </a>
      ))}
    </nav>
  );
}

export function Crumbs({ bid, cid, last }: { bid?: string; cid?: string; last?: string }) {
  return (
    <nav class="crumbs">
      <a href={href.buckets()}>buckets</a>
      {bid !== undefined ? <> / <a href={href.bucket(bid)}>{bid}</a></> : null}
      {bid !== undefined && cid !== undefined ? <> / <a href={href.collection(bid, cid)}>{cid}</a></> : null}
      {last !== undefined ? <> / {last}</> : null}
    </nav>
  );
}

export interface Action {
  busy: boolean;
  error: unknown;
  /** Runs `work`, keeping its error for display; resolves to false when it failed. */
  run: (work: () => Promise<void>) => Promise<boolean>;
}

export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  return {
    busy,
    error,
    async run(work) {
      setBusy(true);
      setError(null);
      try {
        await work();
        return true;
      } catch (caught) {
        setError(caught);
        return false;
      } finally {
        setBusy(false);
      }
    },
  };
}

/** A millisecond timestamp as an ISO date, as Kinto's admin shows it. */
export function when(timestamp: unknown): string {
  return typeof timestamp === "number" ? new Date(timestamp).toISOString().replace("T", " ").slice(0, 19) : "";
}

/** A field value for a table cell. */
export function cell(value: unknown): string {
  if (value === undefined || value === null) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}
