/** `kinto.plugins.default_bucket` (contract §10.1): `/buckets/default` aliases the user's personal bucket. */
import { isIncluded, type Plugin } from "../plugin";
import { defaultBucketId } from "./bucket-id";
import { rewriteDefaultBucket } from "./rewrite";

const NAME = "kinto.plugins.default_bucket";

export const defaultBucketPlugin: Plugin = {
  name: NAME,
  enabled: (settings) => isIncluded(settings, NAME),
  capabilities: () => ({
    default_bucket: {
      description: "The default bucket is an alias for a personal bucket where collections are created implicitly.",
      url: "https://kinto.readthedocs.io/en/latest/api/1.x/buckets.html#personal-bucket-default",
    },
  }),
  async helloUser(userId, settings) {
    return { bucket: await defaultBucketId(settings.lookup("default_bucket_hmac_secret") ?? "", userId) };
  },
  rewrite: rewriteDefaultBucket,
  register() {},
};
