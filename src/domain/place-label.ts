/** How a repeat-complaint place is named to people (issue 13): the address as written, and the business it is about. */
import { foldPlace, parsePlace } from "./place.js";

type Where = { address: string | null; area: string | null; content: string; title: string };

/**
 * "金牛大道18号 老王烧烤店": the address as the case records it (people recognise their own spelling) plus the first
 * named site from the address or text when the address does not already name it; the 区域 or the title otherwise.
 */
export function placeLabel(c: Where): string {
  const address = c.address?.trim() || "";
  const site = parsePlace(c.address, c.content, c.area).sites[0];
  const named = site && !foldPlace(address).includes(site) ? site : "";
  const text = [address, named].filter(Boolean).join(" ");
  return text || c.area?.trim() || c.title;
}
