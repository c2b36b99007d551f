/**
 * Runs async jobs one after another. SMS operations span several AT commands that share modem
 * state (the storage selected by AT+CPMS, the mode set by AT+CMGF), so they must not interleave.
 */
export class SerialLock {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(job: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(job, job);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}
