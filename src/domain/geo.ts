/**
 * Distances between photo positions. Phones write WGS-84; a phone (or an app re-saving the photo) that writes
 * GCJ-02 is off by 0.04–0.7 km in China (evidence.md §4), so two positions are compared both as written and with
 * one shifted WGS→GCJ, and the smaller distance counts: a datum mix-up alone never raises a "far away" flag.
 */
const R = 6371.0088; // mean Earth radius, km

export function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** Outside mainland China GCJ-02 equals WGS-84 (rough box, as the published conversion does). */
const outsideChina = (lat: number, lon: number) => lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271;

/** WGS-84 → GCJ-02 (the published Krasovsky-ellipsoid offset formula). */
export function wgsToGcj(lat: number, lon: number): [number, number] {
  if (outsideChina(lat, lon)) return [lat, lon];
  const a = 6378245.0;
  const ee = 0.00669342162296594323;
  const x = lon - 105.0;
  const y = lat - 35.0;
  let dLat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  dLat += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  dLat += ((20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin((y / 3.0) * Math.PI)) * 2.0) / 3.0;
  dLat += ((160.0 * Math.sin((y / 12.0) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30.0)) * 2.0) / 3.0;
  let dLon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  dLon += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  dLon += ((20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin((x / 3.0) * Math.PI)) * 2.0) / 3.0;
  dLon += ((150.0 * Math.sin((x / 12.0) * Math.PI) + 300.0 * Math.sin((x / 30.0) * Math.PI)) * 2.0) / 3.0;
  const radLat = (lat / 180.0) * Math.PI;
  let magic = Math.sin(radLat);
  magic = 1 - ee * magic * magic;
  const sqrtMagic = Math.sqrt(magic);
  dLat = (dLat * 180.0) / (((a * (1 - ee)) / (magic * sqrtMagic)) * Math.PI);
  dLon = (dLon * 180.0) / ((a / sqrtMagic) * Math.cos(radLat) * Math.PI);
  return [lat + dLat, lon + dLon];
}

export type Point = { lat: number; lon: number };

/** Distance in km, allowing for either photo having been written in GCJ-02 instead of WGS-84. */
export function photoDistanceKm(p: Point, q: Point): number {
  const [pl, pn] = wgsToGcj(p.lat, p.lon);
  const [ql, qn] = wgsToGcj(q.lat, q.lon);
  return Math.min(haversineKm(p.lat, p.lon, q.lat, q.lon), haversineKm(pl, pn, q.lat, q.lon), haversineKm(p.lat, p.lon, ql, qn));
}
