/**
 * The AWS clients a deploy uses. Credentials, region and endpoints follow the
 * SDK's usual chain (environment, profile, web identity for OIDC in CI);
 * `AWS_ENDPOINT_URL_S3` and friends point them at a local server.
 */
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import type { GlueClient } from "@aws-sdk/client-glue";
import type { MWAAClient } from "@aws-sdk/client-mwaa";
import { S3Client } from "@aws-sdk/client-s3";
import type { STSClient } from "@aws-sdk/client-sts";
import { DEPLOY_OPTIONS } from "../spec/deploy-settings.js";

/**
 * MWAA, STS and Glue are loaded on first use: most deploys never call them, and
 * loading an SDK client costs a tenth of a second or more, which a no-op
 * deploy should not pay.
 */
export interface DeployClients {
  readonly s3: S3Client;
  readonly mwaa: () => Promise<MWAAClient>;
  /** STS, for the credentials' account when neither the settings nor the specs name the bucket's account. */
  readonly sts: () => Promise<STSClient>;
  /** Glue in the deploy's region, or in another one (an XTable step's Glue catalog may name its own). */
  readonly glueFor: (region?: string) => Promise<GlueClient>;
}

/** How to build the clients. */
export interface ClientOptions {
  readonly region?: string | undefined;
  /** Parallel requests (default: `--concurrency`'s); the connection pool is sized to match. */
  readonly concurrency?: number;
  /** Overrides the endpoint of every client (tests, benchmarks). */
  readonly endpoint?: string;
}

/**
 * Builds the clients. They never retry on their own (`maxAttempts: 1`): the
 * deploy retries transient failures itself, so that it can count them and
 * report them.
 */
export function createDeployClients(options: ClientOptions = {}): DeployClients {
  // pipegen supports Node 20 (package.json engines); the SDK's notice about
  // its own future releases is not something a pipegen user can act on.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const sockets = Math.max(8, (options.concurrency ?? DEPLOY_OPTIONS.concurrency.default) + 4);
  const common = {
    ...(options.region ? { region: options.region } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    maxAttempts: 1,
  };
  const requestHandler = {
    connectionTimeout: 10_000,
    // Idle socket timeout: a stalled transfer fails and is retried instead of hanging the deploy.
    requestTimeout: 120_000,
    httpAgent: new HttpAgent({ keepAlive: true, maxSockets: sockets }),
    httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: sockets }),
  };
  const glue = new Map<string, GlueClient>();
  let mwaa: MWAAClient | undefined;
  let sts: STSClient | undefined;
  return {
    s3: new S3Client({ ...common, requestHandler, followRegionRedirects: true }),
    async mwaa() {
      mwaa ??= new (await import("@aws-sdk/client-mwaa")).MWAAClient(common);
      return mwaa;
    },
    async sts() {
      sts ??= new (await import("@aws-sdk/client-sts")).STSClient(common);
      return sts;
    },
    async glueFor(region) {
      const key = region ?? "";
      if (!glue.has(key))
        glue.set(
          key,
          new (await import("@aws-sdk/client-glue")).GlueClient({
            ...common,
            ...(region ? { region } : {}),
            requestHandler,
          }),
        );
      return glue.get(key)!;
    },
  };
}
