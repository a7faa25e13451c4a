/**
 * Progress on a terminal: one line on stderr, redrawn at most ten times a
 * second and erased when done. Off the terminal (CI logs, pipes) it prints
 * nothing; the plan and the final report say everything there.
 */

export interface ProgressSink {
  /** What is happening now, e.g. "DAG files". */
  phase(label: string, files: number, bytes: number): void;
  fileDone(): void;
  bytes(n: number): void;
  note(text: string): void;
  end(): void;
}

/** A sink that shows nothing (libraries, tests, and output that is not a terminal). */
export const NO_PROGRESS: ProgressSink = { phase() {}, fileDone() {}, bytes() {}, note() {}, end() {} };

interface TtyStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(chunk: string): boolean;
}

/** A progress line on `stream` when it is a terminal; a sink that prints nothing otherwise. */
export function terminalProgress(stream: TtyStream, now: () => number = Date.now): ProgressSink {
  if (!stream.isTTY) return NO_PROGRESS;
  let label = "";
  let files = 0;
  let filesDone = 0;
  let bytes = 0;
  let bytesDone = 0;
  let extra = "";
  let last = 0;
  let shown = false;
  const draw = (force = false) => {
    const t = now();
    if (!force && t - last < 100) return;
    last = t;
    const line = extra
      ? `${label}: ${extra}`
      : `${label}: ${filesDone}/${files} files, ${formatBytes(bytesDone)} of ${formatBytes(bytes)}`;
    const width = Math.max(20, (stream.columns ?? 80) - 1);
    stream.write(`\r\x1b[2K${line.length > width ? `${line.slice(0, width - 1)}…` : line}`);
    shown = true;
  };
  return {
    phase(l, f, b) {
      label = l;
      files = f;
      bytes = b;
      filesDone = 0;
      bytesDone = 0;
      extra = "";
      draw(true);
    },
    fileDone() {
      filesDone++;
      draw(filesDone === files);
    },
    bytes(n) {
      bytesDone += n;
      draw();
    },
    note(text) {
      extra = text;
      draw(true);
    },
    end() {
      if (shown) stream.write("\r\x1b[2K");
      shown = false;
    },
  };
}

/** Bytes in binary units for people: `1.5 MiB`. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}
