/** Connected regions of a binary mask. */
export interface RegionLabels {
  /**
   * Region number per pixel, row-major `height * width`: 0 for background,
   * 1..`count` for the regions, numbered in raster order of their first pixel.
   */
  readonly labels: Int32Array;
  /** Number of regions. */
  readonly count: number;
  /** Pixel count of each region; `sizes[k - 1]` belongs to label `k`. */
  readonly sizes: Uint32Array;
}

function findRoot(parent: Int32Array, label: number): number {
  let root = label;
  while (parent[root] !== root) root = parent[root];

  // Path compression keeps later look-ups short.
  while (parent[label] !== root) {
    const next = parent[label];
    parent[label] = root;
    label = next;
  }
  return root;
}

/** Joins the sets of `label` and `neighbour`; 0 means "no label". */
function merge(parent: Int32Array, label: number, neighbour: number): number {
  if (neighbour === 0) return label;
  if (label === 0) return neighbour;

  const rootA = findRoot(parent, label);
  const rootB = findRoot(parent, neighbour);
  if (rootA < rootB) {
    parent[rootB] = rootA;
    return rootA;
  }
  parent[rootA] = rootB;
  return rootB;
}

/**
 * Labels the 8-connected regions of a mask (pixels touching by an edge or a
 * corner belong to one region), as the PRO metric of MVTec AD defines them.
 *
 * Pixels with a value `> 0` are foreground, so masks stored as 0/255 or as
 * soft values work; NaN counts as background here (the pixel metrics reject
 * it earlier).
 *
 * @param mask - Row-major mask values, length `height * width`.
 * @param height - Rows, in pixels.
 * @param width - Columns, in pixels.
 * @returns Per-pixel labels, the region count and each region's size.
 * @throws RangeError when the length is not `height * width`.
 */
export function labelConnectedComponents(
  mask: ArrayLike<number>,
  height: number,
  width: number,
): RegionLabels {
  if (mask.length !== height * width) {
    throw new RangeError(
      `mask has ${mask.length} values but height ${height} x width ${width} needs ${height * width}`,
    );
  }

  const labels = new Int32Array(height * width);
  // Provisional labels start at 1; parent[0] is unused.
  const parent = new Int32Array(height * width + 1);
  let next = 1;

  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (!(mask[row + x] > 0)) continue;

      // Neighbours already visited: west, north-west, north, north-east.
      let label = 0;
      if (x > 0) label = merge(parent, label, labels[row + x - 1]);
      if (y > 0) {
        const above = row - width + x;
        if (x > 0) label = merge(parent, label, labels[above - 1]);
        label = merge(parent, label, labels[above]);
        if (x + 1 < width) label = merge(parent, label, labels[above + 1]);
      }

      if (label === 0) {
        label = next++;
        parent[label] = label;
      }
      labels[row + x] = label;
    }
  }

  // Second pass: replace provisional labels by compact region numbers.
  const compact = new Int32Array(next);
  const sizes: number[] = [];
  for (let k = 0; k < labels.length; k++) {
    const label = labels[k];
    if (label === 0) continue;
    const root = findRoot(parent, label);
    if (compact[root] === 0) {
      sizes.push(0);
      compact[root] = sizes.length;
    }
    const region = compact[root];
    labels[k] = region;
    sizes[region - 1]++;
  }

  return { labels, count: sizes.length, sizes: Uint32Array.from(sizes) };
}
