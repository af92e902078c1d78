/** Where a command writes: real streams in the binary, buffers in tests. */
export interface Io {
  /** May return a promise while the stream is full: commands that stream (exports) await it, so a slow reader holds them back instead of filling memory. */
  stdout(text: string): void | Promise<void>;
  stderr(text: string): void;
  /** Working directory for relative paths. */
  cwd: string;
  env: Record<string, string | undefined>;
}

/** Exit codes: 0 clean, 1 problems found (findings, failed scenarios, broken chains), 2 usage or I/O errors. */
export const EXIT = { ok: 0, problems: 1, usage: 2 } as const;

/** A usage or I/O error: printed without a stack, exit code 2. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
