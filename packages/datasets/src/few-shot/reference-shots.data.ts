/**
 * Fixed k-shot training selections published with WinCLIP (Jeong et al.,
 * CVPR 2023) and reused by PromptAD (Li et al., CVPR 2024), so few-shot
 * results stay comparable across papers. Each number is a zero-based
 * position in the list of a class's training images sorted by file name.
 * For MVTec AD the position equals the file stem (131 is
 * `train/good/131.png`); for VisA it does not, because the VisA training
 * split of `1cls.csv` is a subset of the normal images.
 */

/** Shot count to positions, for one class. */
export type ShotTable = Readonly<Record<number, readonly number[]>>;

/** Freezes a class table and every row, so shared data cannot be edited. */
function freezeTable(
  table: Record<string, Record<number, number[]>>,
): Readonly<Record<string, ShotTable>> {
  for (const row of Object.values(table)) {
    for (const shots of Object.values(row)) Object.freeze(shots);
    Object.freeze(row);
  }
  return Object.freeze(table);
}

/** MVTec AD: class to shot table (frozen). */
export const MVTEC_REFERENCE_SHOTS: Readonly<Record<string, ShotTable>> =
  freezeTable({
    bottle: { 1: [131], 2: [101, 48], 4: [29, 45, 192, 127] },
    cable: { 1: [131], 2: [101, 48], 4: [29, 45, 192, 218] },
    capsule: { 1: [131], 2: [101, 48], 4: [29, 45, 192, 218] },
    carpet: { 1: [263], 2: [203, 97], 4: [58, 90, 255, 154] },
    grid: { 1: [263], 2: [203, 97], 4: [58, 90, 255, 154] },
    hazelnut: { 1: [263], 2: [203, 97], 4: [58, 90, 384, 255] },
    leather: { 1: [131], 2: [101, 48], 4: [29, 45, 192, 218] },
    metal_nut: { 1: [131], 2: [101, 48], 4: [29, 45, 192, 218] },
    pill: { 1: [263], 2: [203, 97], 4: [58, 90, 255, 154] },
    screw: { 1: [263], 2: [203, 97], 4: [58, 90, 255, 154] },
    tile: { 1: [131], 2: [101, 48], 4: [29, 45, 192, 218] },
    toothbrush: { 1: [32], 2: [25, 12], 4: [7, 11, 48, 54] },
    transistor: { 1: [131], 2: [101, 48], 4: [29, 45, 192, 127] },
    wood: { 1: [131], 2: [101, 48], 4: [29, 45, 192, 218] },
    zipper: { 1: [131], 2: [101, 48], 4: [29, 45, 192, 218] },
  });

/** VisA (`1cls` split): class to shot table (frozen). */
export const VISA_REFERENCE_SHOTS: Readonly<Record<string, ShotTable>> =
  freezeTable({
    candle: { 1: [266], 2: [894, 195], 4: [315, 290, 591, 157] },
    capsules: { 1: [266], 2: [195, 388], 4: [315, 290, 157, 271] },
    cashew: { 1: [133], 2: [447, 97], 4: [157, 145, 295, 78] },
    chewinggum: { 1: [133], 2: [447, 97], 4: [157, 145, 295, 78] },
    fryum: { 1: [133], 2: [447, 97], 4: [157, 145, 295, 78] },
    macaroni1: { 1: [266], 2: [894, 195], 4: [315, 290, 591, 157] },
    macaroni2: { 1: [266], 2: [894, 195], 4: [315, 290, 591, 157] },
    pcb1: { 1: [266], 2: [894, 195], 4: [315, 290, 591, 157] },
    pcb2: { 1: [266], 2: [894, 195], 4: [315, 290, 591, 157] },
    pcb3: { 1: [266], 2: [894, 195], 4: [315, 290, 591, 157] },
    pcb4: { 1: [266], 2: [894, 195], 4: [315, 290, 591, 157] },
    pipe_fryum: { 1: [133], 2: [447, 97], 4: [157, 145, 295, 78] },
  });
