/**
 * Shared machinery of the remote-system emulators: routing, request log, fault injection, a per-token rate limit
 * (sliding window, 429 + Retry-After), and control endpoints under /__emulator so that a sandbox running in another
 * process can be inspected and steered. Each system (genesys/, mediatel/) supplies its routes and error shape.
 */
import * as http from "node:http";
import { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";

export interface EmulatorRequest {
    method: string;
    path: string;
    query: URLSearchParams;
    headers: http.IncomingHttpHeaders;
    /** Parsed JSON body, or the form fields for application/x-www-form-urlencoded, or undefined. */
    body: any;
    rawBody: string;
    params: Record<string, string>;
    /** Set by the system's authenticate hook: the caller's token or session. */
    principal?: string;
}

export interface EmulatorResponse {
    status: number;
    body?: unknown;
    headers?: Record<string, string>;
}

export type Handler = (req: EmulatorRequest) => EmulatorResponse | Promise<EmulatorResponse>;

export type Fault =
    | { kind: "status"; status: number; retryAfterSeconds?: number; code?: string; message?: string }
    /** Close the socket without answering, before the handler runs: nothing was applied. */
    | { kind: "drop-before" }
    /** Run the handler (the change is applied), then close the socket without answering. */
    | { kind: "drop-after" }
    /** Answer after a delay (for client timeouts). */
    | { kind: "delay"; ms: number };

export interface FaultRule {
    method?: string;
    /** Exact path, or a RegExp source string matched against the path. */
    path?: string;
    pathPattern?: string;
    /** How many matching requests get the fault (default 1). */
    times?: number;
    /** Matching requests to let through before the fault starts (default 0). */
    after?: number;
    fault: Fault;
}

export interface LoggedRequest {
    seq: number;
    at: number;
    method: string;
    path: string;
    query: string;
    status: number;
    body?: unknown;
    fault?: Fault["kind"];
}

interface Route {
    method: string;
    pattern: RegExp;
    names: string[];
    handler: Handler;
}

export interface SystemSpec {
    name: string;
    /** Shapes an error body the way the real API does. */
    errorBody(status: number, code: string, message: string, correlationId: string): unknown;
    /** Returns the principal (token) or an error response; runs before rate limiting. */
    authenticate?(req: EmulatorRequest): string | EmulatorResponse;
    /** Paths that are not authenticated or rate limited (e.g. the OAuth token endpoint). */
    isPublic?(req: EmulatorRequest): boolean;
    /** POSTs that only read (e.g. Genesys user search): not counted by `writes()`. */
    isReadOnly?(method: string, path: string): boolean;
}

export class HttpEmulator {
    readonly log: LoggedRequest[] = [];
    /** Requests per principal per sliding minute; 0 = unlimited. */
    rateLimitPerMinute = 0;
    private readonly routes: Route[] = [];
    private faults: (FaultRule & { seen: number; used: number })[] = [];
    private readonly windows = new Map<string, number[]>();
    private server?: http.Server;
    private seq = 0;
    url = "";

    constructor(readonly spec: SystemSpec) {}

    route(method: string, path: string, handler: Handler): this {
        const names: string[] = [];
        const pattern = new RegExp(
            "^" + path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/:(\w+)/g, (_m, n) => (names.push(n), "([^/]+)")) + "/?$",
        );
        this.routes.push({ method, pattern, names, handler });
        return this;
    }

    /** Adds a fault rule; returns it so a test can check how often it fired. */
    inject(rule: FaultRule) {
        const r = { times: 1, after: 0, ...rule, seen: 0, used: 0 };
        this.faults.push(r);
        return r;
    }

    clearFaults(): void {
        this.faults = [];
    }

    clearLog(): void {
        this.log.length = 0;
    }

    /** Logged requests, optionally filtered by method and path regexp: the tests' view of what was sent. */
    requests(method?: string, pathPattern?: RegExp | string): LoggedRequest[] {
        const re = typeof pathPattern === "string" ? new RegExp(pathPattern) : pathPattern;
        return this.log.filter((r) => (!method || r.method === method) && (!re || re.test(r.path)));
    }

    /** Requests that change state (anything but GET/HEAD, the OAuth token endpoint, or a read-only POST). */
    writes(): LoggedRequest[] {
        return this.log.filter(
            (r) => r.method !== "GET" && r.method !== "HEAD" && !r.path.startsWith("/oauth") && !this.spec.isReadOnly?.(r.method, r.path),
        );
    }

    error(status: number, code: string, message: string): EmulatorResponse {
        const correlationId = randomUUID();
        return {
            status,
            body: this.spec.errorBody(status, code, message, correlationId),
            headers: { "inin-correlation-id": correlationId },
        };
    }

    async start(port = 0, host = "127.0.0.1"): Promise<string> {
        this.server = http.createServer((req, res) => void this.handle(req, res));
        this.server.keepAliveTimeout = 1000;
        await new Promise<void>((resolve, reject) => {
            this.server!.once("error", reject);
            this.server!.listen(port, host, () => resolve());
        });
        const addr = this.server.address() as AddressInfo;
        this.url = `http://${host}:${addr.port}`;
        return this.url;
    }

    async stop(): Promise<void> {
        const s = this.server;
        this.server = undefined;
        if (!s) return;
        s.closeAllConnections();
        await new Promise<void>((resolve) => s.close(() => resolve()));
    }

    /** Control endpoints, for a sandbox in another process: GET/DELETE log, POST/DELETE faults, PUT rate limit. */
    protected control(req: EmulatorRequest): EmulatorResponse | undefined {
        const p = req.path.slice("/__emulator".length);
        if (p === "/log" && req.method === "GET") return { status: 200, body: this.log };
        if (p === "/log" && req.method === "DELETE") return this.clearLog(), { status: 204 };
        if (p === "/faults" && req.method === "POST") return this.inject(req.body), { status: 201 };
        if (p === "/faults" && req.method === "DELETE") return this.clearFaults(), { status: 204 };
        if (p === "/ratelimit" && req.method === "PUT") {
            this.rateLimitPerMinute = Number(req.body?.perMinute ?? 0);
            return { status: 204 };
        }
        return this.controlExtra(req, p);
    }

    /** Systems add their own control endpoints (state dumps, lag settings, manual edits) here. */
    protected controlExtra(_req: EmulatorRequest, _path: string): EmulatorResponse | undefined {
        return undefined;
    }

    private takeFault(req: EmulatorRequest): Fault | undefined {
        for (const f of this.faults) {
            if (f.method && f.method !== req.method) continue;
            if (f.path && f.path !== req.path) continue;
            if (f.pathPattern && !new RegExp(f.pathPattern).test(req.path)) continue;
            f.seen++;
            if (f.seen <= (f.after ?? 0) || f.used >= (f.times ?? 1)) continue;
            f.used++;
            return f.fault;
        }
        return undefined;
    }

    private rateLimited(principal: string): number | undefined {
        if (!this.rateLimitPerMinute) return undefined;
        const now = Date.now();
        const window = (this.windows.get(principal) ?? []).filter((t) => t > now - 60_000);
        this.windows.set(principal, window);
        if (window.length >= this.rateLimitPerMinute) return Math.max(1, Math.ceil((window[0] + 60_000 - now) / 1000));
        window.push(now);
        return undefined;
    }

    private async handle(raw: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
        const chunks: Buffer[] = [];
        for await (const c of raw) chunks.push(c as Buffer);
        const rawBody = Buffer.concat(chunks).toString("utf8");
        const url = new URL(raw.url ?? "/", "http://emulator");
        const req: EmulatorRequest = {
            method: (raw.method ?? "GET").toUpperCase(),
            path: safeDecode(url.pathname),
            query: url.searchParams,
            headers: raw.headers,
            body: parseBody(rawBody, raw.headers["content-type"]),
            rawBody,
            params: {},
        };
        if (req.path.startsWith("/__emulator")) {
            return send(res, this.control(req) ?? { status: 404, body: { message: "no such control endpoint" } });
        }
        const entry: LoggedRequest = {
            seq: ++this.seq,
            at: Date.now(),
            method: req.method,
            path: req.path,
            query: url.search,
            status: 0,
            body: req.body,
        };
        this.log.push(entry);

        const fault = this.takeFault(req);
        if (fault) entry.fault = fault.kind;
        if (fault?.kind === "drop-before") return void raw.socket.destroy();
        if (fault?.kind === "status") {
            const r = this.error(fault.status, fault.code ?? statusCode(fault.status), fault.message ?? `injected ${fault.status}`);
            if (fault.retryAfterSeconds !== undefined) r.headers = { ...r.headers, "retry-after": String(fault.retryAfterSeconds) };
            entry.status = r.status;
            return send(res, r);
        }
        if (fault?.kind === "delay") await new Promise((r) => setTimeout(r, fault.ms));

        let response: EmulatorResponse;
        try {
            response = await this.dispatch(req);
        } catch (e) {
            response = this.error(500, "internal.server.error", `emulator bug: ${(e as Error).message}`);
        }
        entry.status = response.status;
        if (fault?.kind === "drop-after") return void raw.socket.destroy();
        send(res, response);
    }

    private async dispatch(req: EmulatorRequest): Promise<EmulatorResponse> {
        if (!this.spec.isPublic?.(req)) {
            const who = this.spec.authenticate ? this.spec.authenticate(req) : "anonymous";
            if (typeof who !== "string") return who;
            req.principal = who;
            const retryAfter = this.rateLimited(who);
            if (retryAfter !== undefined) {
                const r = this.error(429, "too.many.requests.retry.after", `Rate limit exceeded the maximum. Retry the request in [${retryAfter}] seconds`);
                r.headers = { ...r.headers, "retry-after": String(retryAfter) };
                return r;
            }
        }
        const candidates = this.routes.filter((r) => r.pattern.test(req.path));
        const route = candidates.find((r) => r.method === req.method);
        if (!route) {
            return candidates.length
                ? this.error(405, "method.not.allowed", `${req.method} is not allowed on ${req.path}`)
                : this.error(404, "not.found", `no route ${req.method} ${req.path}`);
        }
        const m = route.pattern.exec(req.path)!;
        route.names.forEach((n, i) => (req.params[n] = m[i + 1]));
        return route.handler(req);
    }
}

function safeDecode(path: string): string {
    try {
        return decodeURI(path);
    } catch {
        return path;
    }
}

function statusCode(status: number): string {
    return ({ 400: "bad.request", 401: "authentication.required", 403: "missing.permissions", 404: "not.found", 409: "conflict", 429: "too.many.requests.retry.after", 500: "internal.server.error", 502: "bad.gateway", 503: "service.unavailable", 504: "gateway.timeout" } as Record<number, string>)[status] ?? "error";
}

function parseBody(raw: string, contentType: string | undefined): unknown {
    if (!raw) return undefined;
    if (contentType?.includes("application/x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(raw));
    try {
        return JSON.parse(raw);
    } catch {
        return raw;
    }
}

function send(res: http.ServerResponse, r: EmulatorResponse): void {
    const headers: Record<string, string> = { ...r.headers };
    let payload = "";
    if (r.body !== undefined) {
        if (typeof r.body === "string" && headers["content-type"]) payload = r.body;
        else {
            payload = JSON.stringify(r.body);
            headers["content-type"] ??= "application/json";
        }
    }
    res.writeHead(r.status, headers);
    res.end(payload);
}
