/**
 * moto in server mode, the local S3 and Glue API that deploy tests and the
 * deploy benchmark talk to. Each call starts a fresh server on a free loopback
 * port; the server exits when `stop()` is called or when this process dies
 * (it serves until its stdin closes).
 */
import { execa, type ResultPromise } from "execa";
import { ROOT } from "./cli.js";
import { venvBin } from "./python.js";

export interface MotoServer {
  /** e.g. `http://127.0.0.1:41234` */
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** Dummy credentials and a region, which every AWS client needs even against moto. */
export const MOTO_AWS_ENV = {
  AWS_ACCESS_KEY_ID: "testing",
  AWS_SECRET_ACCESS_KEY: "testing",
  AWS_SESSION_TOKEN: "testing",
  AWS_REGION: "us-east-1",
  AWS_DEFAULT_REGION: "us-east-1",
} as const;

/** @param env extra environment for the server, e.g. `MOTO_ACCOUNT_ID` (the account moto's resources belong to) */
export async function startMoto(env: Record<string, string> = {}): Promise<MotoServer> {
  const { server, firstLine } = await spawnServer(`${ROOT}test/helpers/moto_server.py`, [], env);
  return server(Number(firstLine.trim()));
}

/** Temporary credentials as a container credentials endpoint serves them. */
export interface RoleCredentials {
  readonly AccessKeyId: string;
  readonly SecretAccessKey: string;
  readonly Token: string;
  readonly Expiration: string;
}

export interface MotoRoleServer extends MotoServer {
  readonly roleArn: string;
  /** A session of the role `mwaa-execution`, which holds the policies given. */
  readonly credentials: RoleCredentials;
  /** Keys of an IAM user allowed everything, for the test's own set-up and checks. */
  readonly admin: { readonly AccessKeyId: string; readonly SecretAccessKey: string };
}

/**
 * moto with IAM access control on (test/helpers/moto_role_server.py): only
 * keys moto issued are accepted (a session of the role `mwaa-execution`, which
 * holds `policyFiles`, and an admin user's), so a client that signs with
 * anything else (dummy static keys, no keys) fails.
 */
export async function startMotoWithRole(
  policyFiles: readonly string[],
  env: Record<string, string> = {},
): Promise<MotoRoleServer> {
  const { server, firstLine } = await spawnServer(`${ROOT}test/helpers/moto_role_server.py`, policyFiles, env);
  const started = JSON.parse(firstLine) as Omit<MotoRoleServer, keyof MotoServer> & { port: number };
  return {
    ...server(started.port),
    roleArn: started.roleArn,
    credentials: started.credentials,
    admin: started.admin,
  };
}

/** Starts a moto script that prints one line once it serves and serves until its stdin closes. */
async function spawnServer(
  script: string,
  args: readonly string[],
  env: Record<string, string>,
): Promise<{ firstLine: string; server: (port: number) => MotoServer }> {
  const child: ResultPromise = execa(venvBin("moto", "python"), [script, ...args], {
    stdin: "pipe",
    stdout: "pipe",
    stderr: "pipe",
    reject: false,
    env: { ...MOTO_AWS_ENV, PYTHONUNBUFFERED: "1", ...env },
  });
  const firstLine = await new Promise<string>((resolve, reject) => {
    let out = "";
    let err = "";
    const timer = setTimeout(() => reject(new Error(`moto did not start within 30 s:\n${err}`)), 30_000);
    child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const line = out.split("\n")[0];
      if (out.includes("\n") && line) {
        clearTimeout(timer);
        resolve(line);
      }
    });
    void child.then((r) => {
      clearTimeout(timer);
      reject(new Error(`moto exited with ${r.exitCode} before it started:\n${err}`));
    });
  });
  return {
    firstLine,
    server: (port) => ({
      endpoint: `http://127.0.0.1:${port}`,
      port,
      async stop() {
        child.stdin!.end();
        const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
        await child;
        clearTimeout(timer);
      },
    }),
  };
}
