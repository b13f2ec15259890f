// Follows a kinto-edge collection live, on top of a kinto-http client (browser or Node).
//
//   import { followCollection } from "./live-changes.mjs";
//   const follower = followCollection(client, "bucket", "collection", {
//     onChange: ({ action, data, tombstone, etag }) => { … },
//   });
//   …
//   follower.close();
//
// Each connection gets a fresh subscription token (`POST …/changes/live`, authenticated by the
// client's own headers) and resumes after the last change received (`_since`), so a dropped
// connection loses nothing and repeats nothing. When the server asks for a resync (close code
// 4000: too much was missed), the changes since then are listed with kinto-http and delivered
// as `update`/`delete` changes before following again. Close code 4003 (access lost) ends the
// follower through `onError`; 4004 (the collection, or its bucket, was deleted) through `onGone`
// (else `onError`).

const CLOSE_RESYNC = 4000;
const CLOSE_FORBIDDEN = 4003;
const CLOSE_GONE = 4004;

/**
 * @param {import("kinto-http").default} client
 * @param {string} bucket
 * @param {string} collection
 * @param {import("./live-changes.d.mts").FollowOptions} options
 * @returns {import("./live-changes.d.mts").Follower}
 */
export function followCollection(client, bucket, collection, options) {
  const { onChange, onError = () => {}, onGone, retryDelayMs = 1000 } = options;
  const WebSocketClass = options.WebSocket ?? globalThis.WebSocket;
  const path = `/buckets/${encodeURIComponent(bucket)}/collections/${encodeURIComponent(collection)}/changes/live`;
  let etag = options.since ?? null;
  let socket = null;
  let stopped = false;
  let retry = null;

  const deliver = (change) => {
    etag = change.etag;
    onChange(change);
  };

  /** Lists what changed after `etag`, oldest first, and delivers it. */
  async function resync() {
    const listed = await client.bucket(bucket).collection(collection).listRecords({
      sort: "last_modified",
      pages: Infinity,
      ...(etag !== null ? { since: etag.replace(/"/g, "") } : {}),
    });
    for (const record of listed.data) {
      const change = { timestamp: record.last_modified, etag: `"${record.last_modified}"` };
      deliver(record.deleted ? { ...change, action: "delete", tombstone: record } : { ...change, action: "update", data: record });
    }
    if (listed.last_modified !== null) etag = `"${String(listed.last_modified).replace(/"/g, "")}"`;
  }

  function later(work) {
    if (stopped) return;
    retry = setTimeout(() => {
      retry = null;
      work().catch((error) => {
        onError(error);
        later(work);
      });
    }, retryDelayMs);
  }

  async function connect() {
    // `bucket().headers`: the client's own headers (execute() alone does not add them).
    const { token } = await client.execute({ path, method: "POST", headers: client.bucket(bucket).headers });
    if (stopped) return;
    const query = new URLSearchParams({ token });
    if (etag !== null) query.set("_since", etag);
    socket = new WebSocketClass(`${client.remote.replace(/^http/, "ws")}${path}?${query}`);
    socket.onmessage = (message) => deliver(JSON.parse(String(message.data)));
    socket.onclose = ({ code }) => {
      socket = null;
      if (stopped) return;
      if (code === CLOSE_GONE) {
        stopped = true;
        if (onGone) onGone();
        else onError(new Error("The collection was deleted"));
      } else if (code === CLOSE_FORBIDDEN) {
        stopped = true;
        onError(new Error("No longer allowed to read this collection"));
      } else if (code === CLOSE_RESYNC) {
        later(async () => {
          await resync();
          await connect();
        });
      } else {
        later(connect);
      }
    };
  }

  connect().catch((error) => {
    onError(error);
    later(connect);
  });

  return {
    get etag() {
      return etag;
    },
    get socket() {
      return socket;
    },
    close() {
      stopped = true;
      if (retry !== null) clearTimeout(retry);
      socket?.close(1000, "done");
    },
  };
}
