/**
 * Returns the sizes of the 8-connected regions of `mask > 0`, ascending, by a
 * stack-based flood fill: a second labelling algorithm to check the
 * union-find labelling against.
 */
export function floodFillSizes(
  mask: ArrayLike<number>,
  height: number,
  width: number,
): number[] {
  const seen = new Uint8Array(height * width);
  const sizes: number[] = [];
  for (let start = 0; start < mask.length; start++) {
    if (!(mask[start] > 0) || seen[start]) continue;
    const stack = [start];
    seen[start] = 1;
    let size = 0;
    while (stack.length > 0) {
      const pixel = stack.pop() as number;
      size++;
      const y = Math.floor(pixel / width);
      const x = pixel - y * width;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const ny = y + dy;
          const nx = x + dx;
          if (ny < 0 || ny >= height || nx < 0 || nx >= width) continue;
          const next = ny * width + nx;
          if (mask[next] > 0 && !seen[next]) {
            seen[next] = 1;
            stack.push(next);
          }
        }
      }
    }
    sizes.push(size);
  }
  return sizes.sort((a, b) => a - b);
}
