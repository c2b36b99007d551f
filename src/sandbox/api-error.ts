/**
 * Errors of the API as JSON `{ code, message, status }`, with codes in the style of the real
 * service (Twilio-family numbering): 20001 bad or missing parameter, 20003 authentication,
 * 20004 method not allowed, 20403 forbidden (the console's local-only rule), 20404 not found.
 */
export const ERROR_CODES = { badParameter: 20001, unauthorized: 20003, methodNotAllowed: 20004, forbidden: 20403, notFound: 20404 } as const;

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }

  toJSON(): { code: number; message: string; status: number } {
    return { code: this.code, message: this.message, status: this.status };
  }
}

export const badParameter = (message: string) => new ApiError(400, ERROR_CODES.badParameter, message);
export const missingParameter = (name: string, where: 'post body' | 'query') => badParameter(`Missing required parameter ${name} in the ${where}`);
export const notFound = (path: string) => new ApiError(404, ERROR_CODES.notFound, `The requested resource ${path} was not found`);
export const unauthorized = (message: string) => new ApiError(401, ERROR_CODES.unauthorized, message);
export const methodNotAllowed = (method: string, path: string) => new ApiError(405, ERROR_CODES.methodNotAllowed, `Method ${method} not allowed on ${path}`);
export const forbidden = (message: string) => new ApiError(403, ERROR_CODES.forbidden, message);
