/** The personal bucket id of a user (contract §10.1): the UUID text of HMAC-SHA256(secret, user id)[0:32]. */
import { hmacHex } from "../../auth/basicauth";

export async function defaultBucketId(secret: string, userId: string): Promise<string> {
  const hex = await hmacHex(secret, userId);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
