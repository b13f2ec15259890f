/** Worker entry: the Hono app and the Durable Object classes it binds. */
import { buildApp } from "./app";

export { Writer } from "./writer/writer";

export default buildApp();
