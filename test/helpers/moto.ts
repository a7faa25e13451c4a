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
  const child: ResultPromise = execa(venvBin("moto", "python"), [`${ROOT}test/helpers/moto_server.py`], {
    stdin: "pipe",
    stdout: "pipe",
    stderr: "pipe",
    reject: false,
    env: { ...MOTO_AWS_ENV, PYTHONUNBUFFERED: "1", ...env },
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    let err = "";
    const timer = setTimeout(() => reject(new Error(`moto did not start within 30 s:\n${err}`)), 30_000);
    child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const line = out.split("\n")[0];
      if (out.includes("\n") && line) {
        clearTimeout(timer);
        resolve(Number(line.trim()));
      }
    });
    void child.then((r) => {
      clearTimeout(timer);
      reject(new Error(`moto exited with ${r.exitCode} before it started:\n${err}`));
    });
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    async stop() {
      child.stdin!.end();
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await child;
      clearTimeout(timer);
    },
  };
}
