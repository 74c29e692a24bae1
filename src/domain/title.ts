/** A case's short title from the complaint text (chat 交办 and imported lists alike). */

/** First clause, at most 24 characters. */
export function titleOf(content: string): string {
  const first = content.split(/[。；;\n]/)[0].trim() || content.trim();
  return first.length > 24 ? `${first.slice(0, 24)}…` : first;
}
