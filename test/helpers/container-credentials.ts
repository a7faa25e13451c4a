/**
 * A container credentials endpoint on loopback, as ECS and Fargate (hence
 * MWAA's workers) serve the task role: `GET <path>` answers the role
 * session's `{AccessKeyId, SecretAccessKey, Token, Expiration}`. AWS SDKs find
 * it through AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (on the fixed host
 * 169.254.170.2, which the AWS SDK for Java v2 lets AWS_CONTAINER_SERVICE_ENDPOINT
 * replace) or AWS_CONTAINER_CREDENTIALS_FULL_URI (any loopback URL, with an
 * optional AWS_CONTAINER_AUTHORIZATION_TOKEN that must come back in the
 * Authorization header).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { RoleCredentials } from "./moto.js";

export interface CredentialsEndpoint {
  /** `http://127.0.0.1:<port>`, for AWS_CONTAINER_SERVICE_ENDPOINT. */
  readonly serviceEndpoint: string;
  /** The path, for AWS_CONTAINER_CREDENTIALS_RELATIVE_URI. */
  readonly relativeUri: string;
  /** The whole URL, for AWS_CONTAINER_CREDENTIALS_FULL_URI. */
  readonly fullUri: string;
  /** Every request: its path, its Authorization header, and whether it was served. */
  readonly requests: { path: string; authorization: string | undefined; served: boolean }[];
  close(): Promise<void>;
}

/**
 * Serves `credentials` at a fixed path. With `token`, only requests whose
 * Authorization header is exactly the token are served; others get 401.
 */
export async function startCredentialsEndpoint(
  credentials: RoleCredentials,
  options: { token?: string } = {},
): Promise<CredentialsEndpoint> {
  const relativeUri = "/v2/credentials/pipegen-test-task-role";
  const requests: CredentialsEndpoint["requests"] = [];
  const server: Server = createServer((req, res) => {
    const authorization = req.headers.authorization;
    const served = req.url === relativeUri && (options.token === undefined || authorization === options.token);
    requests.push({ path: req.url ?? "", authorization, served });
    if (!served) {
      res.writeHead(req.url === relativeUri ? 401 : 404, { "content-type": "application/json" });
      res.end(JSON.stringify({ message: "not this" }));
      return;
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ ...credentials, RoleArn: "arn:aws:iam::111122223333:role/mwaa-execution" }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const serviceEndpoint = `http://127.0.0.1:${port}`;
  return {
    serviceEndpoint,
    relativeUri,
    fullUri: `${serviceEndpoint}${relativeUri}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
