// Buildhub-like build records (mozilla-services/buildhub's schema: build, source, target,
// download), deterministic: record(i) is always the same. Distributions follow what the real
// collection holds: mostly Firefox nightlies, en-US the most common of ~90 locales, versions
// whose suffix follows the channel (57.0a1 nightly, 57.0b3 beta, 57.0.2 release, 52.5.0esr).

/** mulberry32: a small seeded PRNG. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function weighted(random, table) {
  let r = random() * table.reduce((sum, [, w]) => sum + w, 0);
  for (const [value, w] of table) {
    r -= w;
    if (r < 0) return value;
  }
  return table[table.length - 1][0];
}

export const PRODUCTS = [["firefox", 60], ["fennec", 15], ["devedition", 10], ["thunderbird", 12], ["mobile", 3]];
export const CHANNELS = [["nightly", 45], ["aurora", 10], ["beta", 25], ["release", 15], ["esr", 5]];
const PLATFORMS = [["win64", 25], ["win32", 20], ["linux-x86_64", 15], ["linux-i686", 8], ["macosx", 17], ["android-arm", 10], ["android-x86", 5]];
const LOCALE_NAMES = ("ach af an ar as ast az be bg bn-BD bn-IN br bs ca cak cs cy da de dsb el en-GB en-ZA eo es-AR es-CL es-ES es-MX et eu fa ff fi fr fy-NL ga-IE gd gl gn gu-IN he hi-IN hr hsb hu hy-AM id is it ja ka kab kk km kn ko lij lt lv mai mk ml mr ms my nb-NO nl nn-NO or pa-IN pl pt-BR pt-PT rm ro ru si sk sl son sq sr sv-SE ta te th tr uk ur uz vi xh zh-CN zh-TW").split(" ");
const LOCALES = [["en-US", 90], ...LOCALE_NAMES.map((name) => [name, 2])];

function version(random, channel) {
  const major = 50 + Math.floor(random() * 21);
  switch (channel) {
    case "nightly":
      return `${major}.0a1`;
    case "aurora":
      return `${major}.0a2`;
    case "beta":
      return `${major}.0b${1 + Math.floor(random() * 14)}`;
    case "esr":
      return `${major}.${Math.floor(random() * 9)}.0esr`;
    default:
      return random() < 0.5 ? `${major}.0` : `${major}.0.${1 + Math.floor(random() * 3)}`;
  }
}

const START = Date.UTC(2016, 0, 1);
const SPAN = Date.UTC(2024, 0, 1) - START;

export function record(i) {
  const random = rng(i * 2654435761 + 1);
  const product = weighted(random, PRODUCTS);
  const channel = weighted(random, CHANNELS);
  const platform = weighted(random, PLATFORMS);
  const locale = weighted(random, LOCALES);
  const date = new Date(START + Math.floor(random() * SPAN));
  const buildId = date.toISOString().replace(/[-:T]/g, "").slice(0, 14);
  const v = version(random, channel);
  return {
    build: { id: buildId, date: `${date.toISOString().slice(0, 19)}Z`, as: "ml.exe", cc: "cl.exe" },
    source: { product, tree: channel === "nightly" ? "mozilla-central" : `mozilla-${channel}`, revision: Math.floor(random() * 2 ** 48).toString(16).padStart(12, "0") },
    target: { version: v, platform, channel, locale, os: platform.split("-")[0] },
    download: {
      url: `https://archive.mozilla.org/pub/${product}/releases/${v}/${platform}/${locale}/${product}-${v}.tar.bz2`,
      size: 40_000_000 + Math.floor(random() * 30_000_000),
      mimetype: "application/x-bzip2",
      date: date.toISOString(),
    },
  };
}

/** The collection metadata that makes these records searchable. */
export const SEARCH_METADATA = {
  text: ["target.version"],
  keyword: ["source.product", "target.channel", "target.platform", "target.locale", "build.date"],
};

/**
 * The indexes a Buildhub deployment declares for its UI's faceted query (search.mjs FACETED):
 * the filter fields, then the aggregated field (the total and the version buckets are read
 * from this index alone), and the filter fields, then the sort field (the hits in index order).
 */
export const FACET_INDEXES = [
  ["source.product", "target.channel", "target.version"],
  ["source.product", "target.channel", "build.date"],
];
