/**
 * Personal data never leaves in a group message in full (reliability R39): mobile numbers keep 3 + 4 digits,
 * ID card and other long numbers their last 4. Case texts are typed by people and often quote the complainant's number.
 */
const MOBILE = /(?<![0-9])(1[3-9][0-9])([0-9]{4})([0-9]{4})(?![0-9])/g;
// ID cards (15 or 18 characters), bank cards, and the stub of one cut short by a title's "…": any run of 14+ digits.
const ID_CARD = /(?<![0-9])[0-9]{13,18}[0-9Xx](?![0-9Xx])/g;

export function maskPii(text: string): string {
  return text
    .replace(ID_CARD, (m) => `${"*".repeat(m.length - 4)}${m.slice(-4)}`)
    .replace(MOBILE, (_m, a: string, _b: string, c: string) => `${a}****${c}`);
}
