/**
 * A value that must never reach a log: printing, JSON-encoding or inspecting it shows `[redacted]`.
 * Only `reveal()` gives the text, so each use of the secret is a visible, greppable call.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return '[redacted]';
  }

  toJSON(): string {
    return '[redacted]';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return 'Secret([redacted])';
  }
}
