/** One error class for the cloud API: the HTTP status and, when the API sent one, its code. */
export class CloudApiError extends Error {
  override readonly name = 'CloudApiError';
  constructor(
    message: string,
    /** HTTP status; 0 when no answer came (network error, unreadable body). */
    readonly status: number,
    /** The API's error code (`20404`), or the OAuth `error` of the token endpoint. */
    readonly code?: number | string,
    readonly moreInfo?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isCloudApiError(error: unknown, status?: number): error is CloudApiError {
  return error instanceof CloudApiError && (status === undefined || error.status === status);
}

/** Builds the error from an error answer, whichever of the two shapes it has. */
export function errorFromBody(status: number, body: unknown, fallback: string): CloudApiError {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (typeof b.message === 'string') {
    return new CloudApiError(b.message, status, typeof b.code === 'number' ? b.code : undefined, typeof b.more_info === 'string' ? b.more_info : undefined);
  }
  // RFC 6749 §5.2, from the token endpoint.
  if (typeof b.error === 'string') return new CloudApiError(typeof b.error_description === 'string' ? `${b.error}: ${b.error_description}` : b.error, status, b.error);
  return new CloudApiError(`${fallback}: HTTP ${status}`, status);
}
