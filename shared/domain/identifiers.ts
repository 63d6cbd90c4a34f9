// How every identifier of a person is compared (SPEC section 9, issue 15): the Insights key column, a
// survey response's employee key, and a Glint roster's key, email and alternate identifiers are all
// trimmed and compared case-insensitively. One function, so the import, the survey data and the
// matching can never disagree about who is who.

export function normalizeIdentifier(text: string): string {
  return text.trim().toLowerCase();
}

/** The domain of an email address (after the last "@"), or null when the identifier is not one. */
export function emailDomain(identifier: string): string | null {
  const at = identifier.lastIndexOf('@');
  return at > 0 && at < identifier.length - 1 ? identifier.slice(at + 1) : null;
}

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether a string is valid Unicode (String.prototype.isWellFormed, which the project's TypeScript lib predates). */
export function isWellFormedText(text: string): boolean {
  return !loneSurrogate.test(text);
}
