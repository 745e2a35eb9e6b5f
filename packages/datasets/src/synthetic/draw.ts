/**
 * Drawing primitives of the synthetic dataset generator: base images
 * (textures and objects) and defect masks. Every function is a pure
 * function of its arguments and a seeded random source.
 */

// Bound once: a global lookup such as Math.round is slow inside per-pixel
// loops when this code runs in a vm context (jest test environments).
const { PI, ceil, cos, floor, hypot, max, min, round, sin } = Math;

/** Random source returning floats in [0, 1). */
export type Random = () => number;

/** Look of a synthetic class, drawn once per dataset from the seed. */
export interface ClassStyle {
  /** `texture`: periodic surface; `object`: a disc on a plain background. */
  kind: "texture" | "object";
  /** Base RGB colour, 0..255. */
  colour: [number, number, number];
  /** Grating frequencies in cycles per image side, and their angles in radians. */
  gratings: { frequency: number; angle: number; amplitude: number }[];
  /** Disc radius as a fraction of the image side (objects only). */
  radius: number;
}

/** Background colour around objects, RGB. */
const BACKGROUND: [number, number, number] = [40, 40, 46];

/** Draws the style of a class. */
export function drawClassStyle(
  kind: "texture" | "object",
  random: Random,
): ClassStyle {
  const gratings = Array.from({ length: 3 }, () => ({
    frequency: 3 + random() * 9,
    angle: random() * PI,
    amplitude: 12 + random() * 18,
  }));
  return {
    kind,
    colour: [90 + random() * 80, 90 + random() * 80, 90 + random() * 80],
    gratings,
    radius: 0.28 + random() * 0.1,
  };
}

/**
 * Renders one normal image of a class: the class pattern with a random
 * phase and offset per image plus mild pixel noise.
 *
 * @returns RGB bytes (HWC) and, for objects, the disc mask where defects may go.
 */
export function renderNormal(
  style: ClassStyle,
  size: number,
  random: Random,
): { rgb: Uint8Array; region: Uint8Array } {
  const rgb = new Uint8Array(size * size * 3);
  const region = new Uint8Array(size * size);
  const phases = style.gratings.map(() => random() * 2 * PI);
  const cx = size * (0.5 + (random() - 0.5) * 0.06);
  const cy = size * (0.5 + (random() - 0.5) * 0.06);
  const radius = style.radius * size;

  // sin(u + v) = sin u cos v + cos u sin v separates each grating into
  // per-column and per-row tables, so no trigonometry runs per pixel.
  const tables = style.gratings.map((g, k) => {
    const omega = (2 * PI * g.frequency) / size;
    const xs = new Float64Array(size * 2);
    const ys = new Float64Array(size * 2);
    for (let t = 0; t < size; t++) {
      const u = omega * t * cos(g.angle) + phases[k];
      const v = omega * t * sin(g.angle);
      xs[t * 2] = g.amplitude * sin(u);
      xs[t * 2 + 1] = g.amplitude * cos(u);
      ys[t * 2] = cos(v);
      ys[t * 2 + 1] = sin(v);
    }
    return { xs, ys };
  });

  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = y * size + x;
      let shade = 0;
      for (let k = 0; k < tables.length; k++) {
        const { xs, ys } = tables[k];
        shade += xs[x * 2] * ys[y * 2] + xs[x * 2 + 1] * ys[y * 2 + 1];
      }
      let base = style.colour;
      if (style.kind === "object") {
        const d = hypot(x - cx, y - cy);
        if (d <= radius) {
          region[i] = 1;
          shade = shade * 0.4 + 40 * (1 - d / radius);
        } else {
          base = BACKGROUND;
          shade *= 0.1;
        }
      } else {
        region[i] = 1;
      }
      const noise = (random() - 0.5) * 8;
      for (let c = 0; c < 3; c++) {
        rgb[i * 3 + c] = max(0, min(255, round(base[c] + shade + noise)));
      }
    }
  }
  return { rgb, region };
}

/** Defect kinds the generator draws. */
export type SyntheticDefect = "scratch" | "spot" | "crack";

function stamp(
  mask: Uint8Array,
  size: number,
  x: number,
  y: number,
  radius: number,
): void {
  const r = ceil(radius);
  for (let dy = -r; dy <= r; dy++) {
    for (let dx = -r; dx <= r; dx++) {
      if (dx * dx + dy * dy > radius * radius) continue;
      const px = round(x + dx);
      const py = round(y + dy);
      if (px >= 0 && py >= 0 && px < size && py < size)
        mask[py * size + px] = 1;
    }
  }
}

/** Picks a random point of `region` (rejection sampling, then any point). */
function pointIn(
  region: Uint8Array,
  size: number,
  random: Random,
): [number, number] {
  for (let attempt = 0; attempt < 200; attempt++) {
    const x = floor(size * (0.15 + random() * 0.7));
    const y = floor(size * (0.15 + random() * 0.7));
    if (region[y * size + x]) return [x, y];
  }
  const i = region.indexOf(1);
  return [i % size, floor(i / size)];
}

/**
 * Draws the mask of one defect inside `region`.
 *
 * @returns A size·size mask with 1 on defect pixels (never empty).
 */
export function drawDefectMask(
  kind: SyntheticDefect,
  region: Uint8Array,
  size: number,
  random: Random,
): Uint8Array {
  const mask = new Uint8Array(size * size);
  let [x, y] = pointIn(region, size, random);
  if (kind === "spot") {
    const rx = size * (0.03 + random() * 0.05);
    const ry = size * (0.03 + random() * 0.05);
    const angle = random() * PI;
    const cosAngle = cos(angle);
    const sinAngle = sin(angle);
    const r = ceil(max(rx, ry));
    for (let dy = -r; dy <= r; dy++) {
      for (let dx = -r; dx <= r; dx++) {
        const u = dx * cosAngle + dy * sinAngle;
        const v = -dx * sinAngle + dy * cosAngle;
        if ((u * u) / (rx * rx) + (v * v) / (ry * ry) > 1) continue;
        const px = x + dx;
        const py = y + dy;
        if (px >= 0 && py >= 0 && px < size && py < size)
          mask[py * size + px] = 1;
      }
    }
  } else if (kind === "scratch") {
    const angle = random() * PI;
    const length = size * (0.25 + random() * 0.3);
    const width = max(1, size / 128);
    const steps = ceil(length * 2);
    for (let s = 0; s <= steps; s++) {
      const t = s / steps - 0.5;
      stamp(
        mask,
        size,
        x + t * length * cos(angle),
        y + t * length * sin(angle),
        width,
      );
    }
  } else {
    // A crack is a random walk with a slowly turning heading.
    let heading = random() * 2 * PI;
    const steps = ceil(size * (0.4 + random() * 0.3));
    const width = max(0.8, size / 200);
    for (let s = 0; s < steps; s++) {
      stamp(mask, size, x, y, width);
      heading += (random() - 0.5) * 0.9;
      x += cos(heading);
      y += sin(heading);
    }
  }
  for (let i = 0; i < mask.length; i++) mask[i] &= region[i];
  if (mask.indexOf(1) < 0) {
    const [px, py] = pointIn(region, size, random);
    mask[py * size + px] = 1;
  }
  return mask;
}

/**
 * Paints a defect: every masked pixel gets a colour far from the
 * surrounding image (darker for spots and cracks, shifted by 110 levels
 * for scratches), so the mask is exactly the set of changed pixels.
 */
export function paintDefect(
  rgb: Uint8Array,
  mask: Uint8Array,
  kind: SyntheticDefect,
): void {
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    for (let c = 0; c < 3; c++) {
      const v = rgb[i * 3 + c];
      // Each branch changes the value by at least 45 levels.
      if (kind === "scratch") rgb[i * 3 + c] = v >= 140 ? v - 110 : v + 110;
      else rgb[i * 3 + c] = v >= 60 ? round(v * 0.25) : v + 120;
    }
  }
}
