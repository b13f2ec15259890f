/** `GET /cert-chains/{name}.pem`: the configured certificate chains that signatures' `x5u` name (keys.ts). */
import type { AppContext } from "../../../context";
import { missingResource } from "../../../errors";
import { CHAINS_PATH, servedChains } from "./keys";

export async function getChain(c: AppContext): Promise<Response> {
  const chain = (await servedChains(c.get("settings"))).get(`${CHAINS_PATH}/${c.req.param("name") ?? ""}`);
  if (chain === undefined) throw missingResource();
  return new Response(chain, {
    status: 200,
    headers: { "Content-Type": "application/x-pem-file", "Cache-Control": "public, max-age=31536000, immutable" },
  });
}
