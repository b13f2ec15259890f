/**
 * The one error type of the API and its errno table (contract §2.6, §2.7).
 * Handlers throw `KintoError`; `renderError` (in http/error-handler.ts) is the only renderer.
 */
import type { ErrorBody, ValidationDetail } from "./wire";

export const ERRNO = {
  MISSING_AUTH_TOKEN: 104,
  INVALID_AUTH_TOKEN: 105,
  BADJSON: 106,
  INVALID_PARAMETERS: 107,
  MISSING_PARAMETERS: 108,
  INVALID_POSTED_DATA: 109,
  INVALID_RESOURCE_ID: 110,
  MISSING_RESOURCE: 111,
  MISSING_CONTENT_LENGTH: 112,
  REQUEST_TOO_LARGE: 113,
  MODIFIED_MEANWHILE: 114,
  METHOD_NOT_ALLOWED: 115,
  VERSION_NOT_AVAILABLE: 116,
  CLIENT_REACHED_CAPACITY: 117,
  FORBIDDEN: 121,
  CONSTRAINT_VIOLATED: 122,
  BACKEND: 201,
  SERVICE_DEPRECATED: 202,
  UNDEFINED: 999,
} as const;

const REASONS: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  406: "Not Acceptable",
  409: "Conflict",
  410: "Gone",
  411: "Length Required",
  412: "Precondition Failed",
  413: "Payload Too Large",
  415: "Unsupported Media Type",
  416: "Range Not Satisfiable",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
  507: "Insufficient Storage",
};

export function reasonPhrase(status: number): string {
  return REASONS[status] ?? "Error";
}

export interface KintoErrorInit {
  status: number;
  errno: number;
  /** Defaults to the HTTP reason phrase. */
  error?: string;
  message?: string;
  details?: unknown;
  headers?: Record<string, string>;
}

export class KintoError extends Error {
  readonly status: number;
  readonly errno: number;
  readonly error: string;
  readonly details: unknown;
  readonly headers: Record<string, string>;

  constructor(init: KintoErrorInit) {
    super(init.message ?? "");
    this.name = "KintoError";
    this.status = init.status;
    this.errno = init.errno;
    this.error = init.error ?? reasonPhrase(init.status);
    this.details = init.details;
    this.headers = init.headers ?? {};
  }

  /** The wire body; `message` and `details` are omitted when empty. */
  body(): ErrorBody {
    const body: ErrorBody = { code: this.status, errno: this.errno, error: this.error };
    if (this.message) body.message = this.message;
    if (this.details !== undefined && this.details !== null) body.details = this.details;
    return body;
  }

  /** Rebuilds an error that crossed an RPC boundary as a plain body. */
  static fromBody(body: ErrorBody, headers: Record<string, string> = {}): KintoError {
    return new KintoError({
      status: body.code,
      errno: body.errno,
      error: body.error,
      ...(body.message !== undefined ? { message: body.message } : {}),
      details: body.details,
      headers,
    });
  }
}

/** The `message` of a validation error, built from its first detail as Kinto does (§2.7). */
function validationMessage(first: ValidationDetail): string {
  if (first.name === null) return `${first.location}: ${first.description}`;
  if (first.description.includes(String(first.name))) return first.description;
  return `${first.name} in ${first.location}: ${first.description}`;
}

/** 400 errno 107 (or 406/415 with `status`), details sorted by name. */
export function invalidParameters(details: ValidationDetail[], status = 400): KintoError {
  const sorted = [...details].sort((a, b) => String(a.name ?? "").localeCompare(String(b.name ?? "")));
  const first = sorted[0];
  return new KintoError({
    status,
    errno: ERRNO.INVALID_PARAMETERS,
    error: "Invalid parameters",
    ...(first ? { message: validationMessage(first) } : {}),
    details: sorted,
  });
}

export function invalidParameter(
  location: ValidationDetail["location"],
  name: ValidationDetail["name"],
  description: string,
): KintoError {
  return invalidParameters([{ location, name, description }]);
}

/** 404 errno 110: the object named by the URL does not exist. No message. */
export function objectNotFound(resourceName: string, id: string): KintoError {
  return new KintoError({
    status: 404,
    errno: ERRNO.INVALID_RESOURCE_ID,
    details: { id, resource_name: resourceName },
  });
}

/** 404 errno 111: unknown URL, or (with details) a missing parent. */
export function missingResource(parent?: { id: string; resource_name: string }): KintoError {
  return new KintoError({
    status: 404,
    errno: ERRNO.MISSING_RESOURCE,
    message: "The resource you are looking for could not be found.",
    ...(parent ? { details: parent } : {}),
  });
}

export function methodNotAllowed(allow?: string[]): KintoError {
  return new KintoError({
    status: 405,
    errno: ERRNO.METHOD_NOT_ALLOWED,
    message: "Method not allowed on this endpoint.",
    ...(allow ? { headers: { Allow: allow.join(", ") } } : {}),
  });
}

export function unauthorized(): KintoError {
  return new KintoError({
    status: 401,
    errno: ERRNO.MISSING_AUTH_TOKEN,
    message: "Please authenticate yourself to use this endpoint.",
  });
}

export function forbidden(): KintoError {
  return new KintoError({ status: 403, errno: ERRNO.FORBIDDEN, message: "This user cannot access this resource." });
}

export function backendUnavailable(retryAfterSeconds: number): KintoError {
  return new KintoError({
    status: 503,
    errno: ERRNO.BACKEND,
    message: "Service temporary unavailable due to overloading or maintenance, please retry later.",
    headers: { "Retry-After": String(retryAfterSeconds) },
  });
}

export function constraintViolated(retryAfterSeconds: number): KintoError {
  return new KintoError({
    status: 409,
    errno: ERRNO.CONSTRAINT_VIOLATED,
    message: "Integrity constraint violated, please retry.",
    headers: { "Retry-After": String(retryAfterSeconds) },
  });
}

export function internalError(infoLink: string): KintoError {
  const error = new KintoError({
    status: 500,
    errno: ERRNO.UNDEFINED,
    message: "A programmatic error occurred, developers have been informed.",
  });
  return Object.assign(error, { info: infoLink });
}
