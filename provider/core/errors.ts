/** Base of every error this package throws on purpose; the message is safe to show (no secrets). */
export class TelephonyError extends Error {
    constructor(message: string) {
        super(message);
        this.name = new.target.name;
    }
}

/** A missing or invalid setting; names the stack config key and its environment fallback. */
export class ConfigError extends TelephonyError {}

/** Input that the remote system cannot accept (unknown name, unsupported value); names the property. */
export class InputError extends TelephonyError {
    constructor(
        readonly property: string,
        readonly reason: string,
    ) {
        super(`${property}: ${reason}`);
    }
}

export interface ApiErrorDetails {
    system: string;
    method: string;
    /** Path without host or query, e.g. /api/v2/users/abc. */
    path: string;
    /** HTTP status; undefined for network failures. */
    status?: number;
    /** The remote system's own error code (Genesys `code`, Mediatel detail code). */
    code?: string;
    /** The remote system's message, already free of secrets. */
    detail?: string;
    retryAfterMs?: number;
    correlationId?: string;
    /** Network error code (ECONNRESET, ETIMEDOUT, ...) when no response arrived. */
    network?: string;
    /** The request may have been applied although no response arrived: the caller must check before resending. */
    ambiguous?: boolean;
}

/** One failed remote call, mapped from whatever the HTTP layer threw. */
export class ApiError extends TelephonyError {
    readonly system!: string;
    readonly method!: string;
    readonly path!: string;
    readonly status?: number;
    readonly code?: string;
    readonly detail?: string;
    readonly retryAfterMs?: number;
    readonly correlationId?: string;
    readonly network?: string;
    readonly ambiguous!: boolean;

    constructor(d: ApiErrorDetails) {
        const what = d.status !== undefined ? `${d.status}${d.code ? ` ${d.code}` : ""}` : `network error ${d.network ?? "unknown"}`;
        const correlation = d.correlationId ? ` (correlation id ${d.correlationId})` : "";
        super(`${d.system} ${d.method} ${d.path} failed: ${what}${d.detail ? `: ${d.detail}` : ""}${correlation}`);
        Object.assign(this, { ...d, ambiguous: d.ambiguous ?? false });
    }
}

export const isApiError = (e: unknown, status?: number): e is ApiError =>
    e instanceof ApiError && (status === undefined || e.status === status);

/**
 * Thrown by a create hook after the remote object exists but a later step failed. The runtime turns it into the
 * error shape that makes Pulumi keep the object in state (ErrorResourceInitFailed) instead of orphaning it.
 */
export class IncompleteCreateError extends TelephonyError {
    constructor(
        readonly id: string,
        readonly outs: object,
        override readonly cause: unknown,
    ) {
        super(`created ${id} but could not finish: ${messageOf(cause)}`);
    }
}

export function messageOf(e: unknown): string {
    if (e instanceof Error) return e.message;
    return typeof e === "string" ? e : JSON.stringify(e);
}
