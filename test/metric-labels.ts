/**
 * Prometheus text without the `process` label every series carries (its value differs per run),
 * so tests can match a series by its own labels.
 */
export function withoutProcessLabel(text: string): string {
  return text
    .replace(/process="[^"]*",?/g, '')
    .replace(/,\}/g, '}')
    .replace(/\{\}/g, '');
}
