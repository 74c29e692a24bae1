/** Typed use-case errors with string codes; each surface maps them to words in exactly one place. */
export type DomainErrorCode =
  | "CASE_NOT_FOUND"
  | "FORBIDDEN"
  | "INVALID_TRANSITION"
  | "UNIT_NOT_FOUND"
  | "UNIT_AMBIGUOUS"
  | "PERSON_NOT_FOUND"
  | "BAD_INPUT"
  | "GATE_FAILED"
  | "RATE_LIMITED"
  | "NOT_REGISTERED";

export class DomainError extends Error {
  /** `message` is the Chinese text shown to the user; `usage` an example of the correct form. */
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly usage?: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "DomainError";
  }
}
