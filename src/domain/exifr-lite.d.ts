// exifr's lite build (JPEG/TIFF EXIF only, 15 kB gzip) ships without its own declaration; it has the main API.
declare module "exifr/dist/lite.esm.mjs" {
  import exifr from "exifr";
  export default exifr;
}
