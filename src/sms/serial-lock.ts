/**
 * Runs async jobs one after another. SMS operations span several AT commands that share modem
 * state (the storage selected by AT+CPMS, the mode set by AT+CMGF), so they must not interleave.
 */
export class SerialLock {
  #tail: Promise<unknown> = Promise.resolve();
  #jobs = 0;

  run<T>(job: () => Promise<T>): Promise<T> {
    this.#jobs++;
    const result = this.#tail.then(job, job).finally(() => this.#jobs--);
    this.#tail = result.catch(() => undefined);
    return result;
  }

  /** Jobs running or waiting: a job that sees more than 1 knows others wait behind it. */
  get jobs(): number {
    return this.#jobs;
  }
}
