/**
 * A loopback HTTP proxy in front of the local S3 server (moto). It records
 * every request (operation, key, status, start and end order) so tests can
 * count requests and check upload order, and it injects faults: 500/503
 * errors, throttling, and connections dropped before the request reaches the
 * server or after the server applied it (the response is lost).
 */
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";

export type FaultKind = "500" | "503" | "throttle" | "reset-before" | "reset-after";

export interface LoggedRequest {
  /** Position in the global event order when the request arrived. */
  readonly seq: number;
  /** Position when its response was sent (or the connection was dropped). */
  end?: number;
  readonly method: string;
  /** Object key (URL-decoded, without the bucket), or "" for bucket-level requests. */
  readonly key: string;
  readonly bucket: string;
  readonly op: string;
  /** The x-amz-expected-bucket-owner header (ExpectedBucketOwner), when the request carried one. */
  readonly expectedBucketOwner?: string;
  /** The query parameters (ListObjectsV2's prefix, …). */
  readonly query?: URLSearchParams;
  /** CopyObject's source, `bucket/key` (x-amz-copy-source, decoded). */
  readonly copySource?: string;
  /** A JSON-protocol API's operation (X-Amz-Target, e.g. `AWSGlue.GetTable`): requests of other services than S3 that reach this endpoint. */
  readonly target?: string;
  /** The body of such a request, once it has arrived. */
  body?: string;
  status?: number;
  fault?: FaultKind;
}

export interface FaultPlan {
  /** Share of matching requests that fail, 0–1. */
  readonly rate: number;
  readonly kinds: readonly FaultKind[];
  /** Only requests this accepts can fail (default: all). */
  readonly match?: (r: LoggedRequest) => boolean;
  /** Seed of the deterministic pseudo-random choice. */
  readonly seed?: number;
}

export interface S3Proxy {
  readonly endpoint: string;
  readonly log: LoggedRequest[];
  /** Events and requests share one order; tests record e.g. MWAA calls with `mark`. */
  mark(label: string): number;
  readonly marks: { label: string; seq: number }[];
  setFaults(plan: FaultPlan | undefined): void;
  /**
   * Which account owns each bucket, for S3's ExpectedBucketOwner check, which
   * moto (5.2.5) does not make: a request whose header names another account
   * gets S3's answer, 403 AccessDenied, and never reaches moto.
   */
  setBucketOwners(owners: ReadonlyMap<string, string> | undefined): void;
  /** A rule that fails specific requests regardless of `rate`; return the fault or undefined. */
  setRule(rule: ((r: LoggedRequest) => FaultKind | undefined) | undefined): void;
  /** Called for each request as it arrives (e.g. to kill a client mid-deploy). */
  onRequest?: (r: LoggedRequest) => void;
  clearLog(): void;
  close(): Promise<void>;
}

/** S3 operation name from method and query, enough for assertions. */
export function s3Operation(method: string, query: URLSearchParams, key: string, copySource?: string): string {
  if (method === "GET" && !key) {
    if (query.has("versioning")) return "GetBucketVersioning";
    if (query.has("versions")) return "ListObjectVersions";
    if (query.get("list-type") === "2") return "ListObjectsV2";
    return "ListObjects";
  }
  if (method === "HEAD") return key ? "HeadObject" : "HeadBucket";
  if (method === "GET") return "GetObject";
  if (method === "PUT" && query.has("partNumber")) return "UploadPart";
  if (method === "PUT" && !key) return query.has("versioning") ? "PutBucketVersioning" : "CreateBucket";
  if (method === "PUT" && copySource) return "CopyObject";
  if (method === "PUT") return "PutObject";
  if (method === "POST" && query.has("uploads")) return "CreateMultipartUpload";
  if (method === "POST" && query.has("uploadId")) return "CompleteMultipartUpload";
  if (method === "POST" && query.has("delete")) return "DeleteObjects";
  if (method === "DELETE" && query.has("uploadId")) return "AbortMultipartUpload";
  if (method === "DELETE") return "DeleteObject";
  return `${method}?${query.toString()}`;
}

/** Operations that change the bucket. */
export const WRITE_OPS = new Set([
  "PutObject",
  "UploadPart",
  "CreateMultipartUpload",
  "CompleteMultipartUpload",
  "DeleteObjects",
  "DeleteObject",
  "AbortMultipartUpload",
]);

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ERROR_BODIES: Record<"500" | "503" | "throttle", { status: number; code: string; message: string }> = {
  "500": { status: 500, code: "InternalError", message: "We encountered an internal error. Please try again." },
  "503": { status: 503, code: "ServiceUnavailable", message: "Service is unable to handle request." },
  throttle: { status: 503, code: "SlowDown", message: "Please reduce your request rate." },
};

export async function startS3Proxy(upstream: string): Promise<S3Proxy> {
  const target = new URL(upstream);
  const log: LoggedRequest[] = [];
  const marks: { label: string; seq: number }[] = [];
  let seq = 0;
  let faults: FaultPlan | undefined;
  let random = mulberry32(1);
  let rule: ((r: LoggedRequest) => FaultKind | undefined) | undefined;
  let owners: ReadonlyMap<string, string> | undefined;
  let proxy!: S3Proxy;

  const respondError = (res: ServerResponse, entry: LoggedRequest, kind: "500" | "503" | "throttle") => {
    const e = ERROR_BODIES[kind];
    entry.status = e.status;
    entry.end = ++seq;
    res.writeHead(e.status, { "content-type": "application/xml" });
    res.end(
      `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${e.code}</Code><Message>${e.message}</Message><RequestId>proxy</RequestId></Error>`,
    );
  };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://proxy");
    const [, bucket = "", ...rest] = url.pathname.split("/");
    const key = decodeURIComponent(rest.join("/"));
    const expected = req.headers["x-amz-expected-bucket-owner"];
    const copy = req.headers["x-amz-copy-source"];
    const copySource = typeof copy === "string" ? decodeURIComponent(copy.replace(/^\//, "")) : undefined;
    const amzTarget = req.headers["x-amz-target"];
    const entry: LoggedRequest = {
      seq: ++seq,
      method: req.method ?? "GET",
      key,
      bucket,
      op:
        typeof amzTarget === "string" ? amzTarget : s3Operation(req.method ?? "GET", url.searchParams, key, copySource),
      query: url.searchParams,
      ...(typeof expected === "string" ? { expectedBucketOwner: expected } : {}),
      ...(copySource ? { copySource } : {}),
      ...(typeof amzTarget === "string" ? { target: amzTarget } : {}),
    };
    // JSON-protocol bodies, and DeleteObjects' XML list of keys (each authorized as s3:DeleteObject).
    if (entry.target || entry.op === "DeleteObjects") {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        entry.body = Buffer.concat(chunks).toString("utf8");
      });
    }
    log.push(entry);
    proxy.onRequest?.(entry);
    const owner = owners?.get(bucket);
    if (owner !== undefined && entry.expectedBucketOwner !== undefined && entry.expectedBucketOwner !== owner) {
      req.resume();
      req.on("end", () => {
        entry.status = 403;
        entry.end = ++seq;
        res.writeHead(403, { "content-type": "application/xml" });
        res.end(
          '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>proxy</RequestId></Error>',
        );
      });
      return;
    }
    let fault = rule?.(entry);
    if (!fault && faults && (faults.match?.(entry) ?? true) && random() < faults.rate)
      fault = faults.kinds[Math.floor(random() * faults.kinds.length)];
    entry.fault = fault;

    if (fault === "reset-before") {
      entry.end = ++seq;
      req.socket.destroy();
      return;
    }
    if (fault === "500" || fault === "503" || fault === "throttle") {
      req.resume();
      req.on("end", () => respondError(res, entry, fault));
      return;
    }
    const upstreamReq = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (upstreamRes) => {
        if (fault === "reset-after") {
          // The server applied the request; the client never hears about it.
          upstreamRes.resume();
          upstreamRes.on("end", () => {
            entry.status = upstreamRes.statusCode;
            entry.end = ++seq;
            req.socket.destroy();
          });
          return;
        }
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
        upstreamRes.on("end", () => {
          entry.status = upstreamRes.statusCode;
          entry.end = ++seq;
        });
      },
    );
    upstreamReq.on("error", () => {
      entry.status = 502;
      entry.end = ++seq;
      res.destroy();
    });
    req.pipe(upstreamReq);
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  proxy = {
    endpoint: `http://127.0.0.1:${port}`,
    log,
    marks,
    mark(label) {
      const s = ++seq;
      marks.push({ label, seq: s });
      return s;
    },
    setFaults(plan) {
      faults = plan;
      random = mulberry32(plan?.seed ?? 1);
    },
    setRule(r) {
      rule = r;
    },
    setBucketOwners(o) {
      owners = o;
    },
    clearLog() {
      log.length = 0;
      marks.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return proxy;
}
