import type { ErrorCode } from "../../shared/errors.ts";
import { shell } from "./strings/shell.ts";

/**
 * A failed API call. `code` is the server's stable error code (shared/errors.ts) or, when no
 * response arrived, `network` / `aborted`; `message` is the server's Chinese message, else a
 * Chinese fallback for the HTTP status.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  /** seconds from the `Retry-After` header of a 429 answer */
  readonly retryAfter?: number;

  constructor(status: number, code: ErrorCode, message: string, retryAfter?: number) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

export type ApiOptions = {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** sent as JSON; omit for no body */
  body?: unknown;
  signal?: AbortSignal;
};

export function fallbackMessage(status: number): string {
  const table = shell.httpErrors as Record<string | number, string>;
  if (table[status]) return table[status];
  if (status >= 500) return shell.httpErrors[500];
  return shell.httpErrors.other;
}

function parseRetryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(header);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** Turns a non-2xx answer into an ApiError, reading `{"error":{code,message}}` when present. */
function errorFromBody(status: number, text: string, retryAfterHeader: string | null): ApiError {
  let code: string = status === 0 ? "network" : `http_${status}`;
  let message = fallbackMessage(status);
  try {
    const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    if (parsed?.error && typeof parsed.error.code === "string") code = parsed.error.code;
    if (parsed?.error && typeof parsed.error.message === "string" && parsed.error.message) {
      message = parsed.error.message;
    }
  } catch {
    // not JSON (a proxy error page, for instance): keep the fallback
  }
  return new ApiError(status, code, message, parseRetryAfter(retryAfterHeader));
}

/**
 * JSON request to the server on the same origin (the session cookie rides along).
 * Resolves with the parsed body (undefined for 204) or throws ApiError.
 */
export async function api<T = unknown>(path: string, options: ApiOptions = {}): Promise<T> {
  const { method = options.body === undefined ? "GET" : "POST", body, signal } = options;
  const headers: Record<string, string> = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";

  return readAnswer<T>(
    fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
      signal,
    }),
    signal,
  );
}

/**
 * Reads a request's answer as `api()` does: the parsed JSON body (undefined for 204), or an
 * ApiError. For a request started outside `api()` (the ballot code's boot script, guestCode.ts).
 */
export async function readAnswer<T = unknown>(request: Promise<Response>, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await request;
  } catch (err) {
    if (signal?.aborted || (err instanceof DOMException && err.name === "AbortError")) {
      throw new ApiError(0, "aborted", shell.httpErrors.network);
    }
    throw new ApiError(0, "network", shell.httpErrors.network);
  }

  const text = await response.text();
  if (!response.ok) throw errorFromBody(response.status, text, response.headers.get("Retry-After"));
  if (!text) return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError(response.status, "invalid_response", shell.httpErrors.other);
  }
}

export type UploadOptions = {
  method?: "POST" | "PUT";
  /** called with the fraction sent so far, 0…1 */
  onProgress?: (fraction: number, loaded: number, total: number) => void;
  signal?: AbortSignal;
  /** form field name when a bare File is given; default "file" */
  fieldName?: string;
};

/**
 * Multipart upload with progress (fetch cannot report upload progress, XMLHttpRequest can).
 * A bare File is sent as the form field `file`. Resolves with the JSON answer or throws ApiError.
 */
export function apiUpload<T = unknown>(
  path: string,
  data: File | Blob | FormData,
  options: UploadOptions = {},
): Promise<T> {
  const { method = "POST", onProgress, signal, fieldName = "file" } = options;
  let form: FormData;
  if (data instanceof FormData) {
    form = data;
  } else {
    form = new FormData();
    form.append(fieldName, data, data instanceof File ? data.name : "upload");
  }

  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, path);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.responseType = "text";

    if (onProgress) {
      xhr.upload.onprogress = (event) => {
        if (event.lengthComputable) onProgress(event.loaded / event.total, event.loaded, event.total);
      };
    }
    xhr.onload = () => {
      const text = xhr.responseText ?? "";
      if (xhr.status < 200 || xhr.status >= 300) {
        reject(errorFromBody(xhr.status, text, xhr.getResponseHeader("Retry-After")));
        return;
      }
      onProgress?.(1, 1, 1);
      if (!text) return resolve(undefined as T);
      try {
        resolve(JSON.parse(text) as T);
      } catch {
        reject(new ApiError(xhr.status, "invalid_response", shell.httpErrors.other));
      }
    };
    xhr.onerror = () => reject(new ApiError(0, "network", shell.httpErrors.network));
    xhr.ontimeout = () => reject(new ApiError(0, "timeout", shell.httpErrors.timeout));
    xhr.onabort = () => reject(new ApiError(0, "aborted", shell.httpErrors.network));

    if (signal) {
      // abort() before send() fires no event, so an already-aborted signal is rejected here
      if (signal.aborted) return reject(new ApiError(0, "aborted", shell.httpErrors.network));
      signal.addEventListener("abort", () => xhr.abort(), { once: true });
    }
    xhr.send(form);
  });
}

/** True when the error means "not signed in". */
export function isUnauthorized(err: unknown): boolean {
  return err instanceof ApiError && err.status === 401;
}
