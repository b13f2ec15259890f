/** client/live-changes.mjs, as text. */
export const clientModule: string;
/** kinto-http's browser build (UMD, global `KintoClient`), as text. */
export const kintoHttp: string;
