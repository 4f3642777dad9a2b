/** Failures of the local tooling (stack, CLI), each with a stable code for scripts to test. */

export class LocalToolError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Another stack already runs on the data folder (dynalite cannot share it). */
export class StackAlreadyRunningError extends LocalToolError {
  constructor(dataDir: string, pid: number) {
    super('STACK_ALREADY_RUNNING', `A stack (pid ${pid}) already runs on ${dataDir}`);
  }
}

/** The command line asks for something the command does not take. */
export class UsageError extends LocalToolError {
  constructor(message: string) {
    super('USAGE', message);
  }
}
