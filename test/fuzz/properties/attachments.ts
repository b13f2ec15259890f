/**
 * Fuzz: the attachment routes — random multipart bodies posted (and deletes) on records of the
 * shared collection and others, and downloads with random `Range` and validators (../harness.ts, ../checks.ts).
 */
import fc from "fast-check";
import { method, who } from "../arbitraries";
import type { FuzzRequest, Property } from "../harness";
import { downloadHeaders, multipart } from "../multipart";
import { routeTable } from "../routes";

export const ATTACHMENT_PROPERTIES: Property[] = [
  {
    name: "random multipart uploads and deletes of attachments",
    numRuns: 300,
    requests: (fixture) => {
      const { records, playground } = fixture;
      const url = fc.oneof(
        fc.constantFrom(...(routeTable(fixture)["/buckets/:bid/collections/:cid/records/:rid/attachment"] ?? [])),
        fc.string({ minLength: 1, maxLength: 12 }).map((rid) => `${records}/${encodeURIComponent(rid)}/attachment`),
        fc.constantFrom(`${records}/mine/attachment`, `/buckets/${playground}/collections/c1/records/r2/attachment`, "/buckets/default/collections/files/records/f1/attachment"),
      );
      const verb = fc.constantFrom("POST", "POST", "POST", "DELETE", "PUT", "GET");
      return fc.record({ method: verb, url, as: who, form: multipart }).map(
        ({ form, ...req }): FuzzRequest => ({ ...req, ...(req.method === "GET" ? {} : { body: form.body }), headers: { "Content-Type": form.contentType ?? null } }),
      );
    },
  },
  {
    name: "random downloads of attachments",
    numRuns: 300,
    requests: (fixture) => {
      const { attachmentKey } = fixture;
      const url = fc.constantFrom(...(routeTable(fixture)["/attachments/:key{.+}"] ?? []), `/attachments/${attachmentKey}`, `/attachments/${encodeURIComponent(attachmentKey)}`);
      const verb = fc.oneof({ weight: 5, arbitrary: fc.constantFrom("GET", "HEAD") }, { weight: 1, arbitrary: method });
      return fc.record({ method: verb, url, as: who, headers: downloadHeaders(fixture.attachmentEtag) });
    },
  },
];
