// The demo page's scripts, bundled as text (wrangler.toml `[[rules]]`): the live-changes client
// module and kinto-http's browser build. Typed by assets.d.ts.
export { default as clientModule } from "../../../../client/live-changes.mjs";
export { default as kintoHttp } from "../../../../client/vendor/kinto-http.min.js";
