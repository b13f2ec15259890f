/** What the admin reads from `GET /v1/` (hello): the user and the capabilities it adapts to. */

export interface OpenIDProvider {
  name: string;
  auth_path: string;
  header_type: string;
}

export interface SignerPlace {
  bucket: string;
  collection: string | null;
}

export interface SignerWorkflow {
  source: SignerPlace;
  preview?: SignerPlace;
  destination: SignerPlace;
  to_review_enabled?: boolean;
}

export interface ServerInfo {
  project_name: string;
  project_version: string;
  url: string;
  settings: { readonly: boolean; batch_max_requests: number };
  user?: { id: string; principals?: string[] };
  capabilities: {
    accounts?: unknown;
    basicauth?: unknown;
    history?: unknown;
    permissions_endpoint?: unknown;
    attachments?: { base_url: string };
    openid?: { providers: OpenIDProvider[] };
    signer?: {
      to_review_enabled: boolean;
      editors_group: string;
      reviewers_group: string;
      resources: SignerWorkflow[];
    };
    [name: string]: unknown;
  };
}

export interface Workflow {
  source: { bucket: string; collection: string };
  preview: { bucket: string; collection: string } | null;
  destination: { bucket: string; collection: string };
  review: boolean;
  editors: string;
  reviewers: string;
}

/** The signer workflow whose source is this collection, or null. */
export function workflowOf(server: ServerInfo, bucket: string, collection: string): Workflow | null {
  const signer = server.capabilities.signer;
  if (signer === undefined) return null;
  for (const resource of signer.resources) {
    if (resource.source.bucket !== bucket) continue;
    if (resource.source.collection !== null && resource.source.collection !== collection) continue;
    const place = (p: SignerPlace) => ({ bucket: p.bucket, collection: p.collection ?? collection });
    const group = (template: string) => template.replace("{collection_id}", collection);
    return {
      source: place(resource.source),
      preview: resource.preview ? place(resource.preview) : null,
      destination: place(resource.destination),
      review: resource.to_review_enabled ?? signer.to_review_enabled,
      editors: group(signer.editors_group),
      reviewers: group(signer.reviewers_group),
    };
  }
  return null;
}
