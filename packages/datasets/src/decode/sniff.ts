/** Image container formats recognised from their first bytes. */
export type SniffedFormat =
  "png" | "jpeg" | "bmp" | "tiff" | "gif" | "webp" | "unknown";

/**
 * Detects an image format from its magic bytes, ignoring the file name
 * (some published datasets store BMP files under a `.png` name).
 *
 * @param bytes - The first bytes of the file; 12 are enough.
 * @returns The detected format, or `unknown`.
 */
export function sniffImageFormat(bytes: Uint8Array): SniffedFormat {
  const starts = (...magic: number[]) =>
    bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b);

  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "png";
  if (starts(0xff, 0xd8, 0xff)) return "jpeg";
  if (starts(0x42, 0x4d)) return "bmp";
  if (starts(0x49, 0x49, 0x2a, 0x00) || starts(0x4d, 0x4d, 0x00, 0x2a)) {
    return "tiff";
  }
  if (starts(0x47, 0x49, 0x46, 0x38)) return "gif";
  const riff = starts(0x52, 0x49, 0x46, 0x46);
  const webp =
    bytes.length >= 12 &&
    bytes[8] === 0x57 &&
    bytes[9] === 0x45 &&
    bytes[10] === 0x42 &&
    bytes[11] === 0x50;
  if (riff && webp) return "webp";
  return "unknown";
}
