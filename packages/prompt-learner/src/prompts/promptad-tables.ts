/**
 * PromptAD's prompt tables as data.
 *
 * Source: `PromptAD/ad_prompts.py` in the public reference code of Li et al.,
 * "PromptAD: Learning Prompts with only Normal Samples for Few-Shot Anomaly
 * Detection", CVPR 2024 (github.com/FuNz-0/PromptAD, commit 6d53727). Phrases
 * are kept character for character, including the reference's spelling
 * ("foreign particals"), the trailing space in metal_nut's first phrase and
 * fryum's repeated "{} with colour spot". Whitespace never changes CLIP token
 * ids, and the repeat gives that phrase twice the weight in the abnormal
 * mean, as in the reference.
 *
 * `{}` marks where the class display name goes. These constants are module
 * private: callers read them through `PromptTable`, which hands out copies.
 */

/** Generic anomaly state phrases used for every class (`state_anomaly`). */
export const PROMPTAD_GENERIC_STATES: readonly string[] = [
  "damaged {}",
  "flawed {}",
  "abnormal {}",
  "imperfect {}",
  "blemished {}",
  "{} with flaw",
  "{} with defect",
  "{} with damage",
];

/** Class keys of MVTec AD in the reference code's spelling. */
export const MVTEC_AD_CLASSES: readonly string[] = [
  "bottle",
  "cable",
  "capsule",
  "carpet",
  "grid",
  "hazelnut",
  "leather",
  "metal_nut",
  "pill",
  "screw",
  "tile",
  "toothbrush",
  "transistor",
  "wood",
  "zipper",
];

/** Class keys of VisA in the reference code's spelling. */
export const VISA_CLASSES: readonly string[] = [
  "candle",
  "capsules",
  "cashew",
  "chewinggum",
  "fryum",
  "macaroni1",
  "macaroni2",
  "pcb1",
  "pcb2",
  "pcb3",
  "pcb4",
  "pipe_fryum",
];

/**
 * Class-specific anomaly state phrases (`class_state_abnormal`), appended
 * after the generic ones for the class they belong to.
 */
export const PROMPTAD_CLASS_STATES: Readonly<
  Record<string, readonly string[]>
> = {
  // MVTec AD
  bottle: [
    "{} with large breakage",
    "{} with small breakage",
    "{} with contamination",
  ],
  toothbrush: ["{} with defect", "{} with anomaly"],
  carpet: [
    "{} with hole",
    "{} with color stain",
    "{} with metal contamination",
    "{} with thread residue",
    "{} with thread",
    "{} with cut",
  ],
  hazelnut: ["{} with crack", "{} with cut", "{} with hole", "{} with print"],
  leather: [
    "{} with color stain",
    "{} with cut",
    "{} with fold",
    "{} with glue",
    "{} with poke",
  ],
  cable: [
    "{} with bent wire",
    "{} with missing part",
    "{} with missing wire",
    "{} with cut",
    "{} with poke",
  ],
  capsule: [
    "{} with crack",
    "{} with faulty imprint",
    "{} with poke",
    "{} with scratch",
    "{} squeezed with compression",
  ],
  grid: [
    "{} with breakage",
    "{} with thread residue",
    "{} with thread",
    "{} with metal contamination",
    "{} with glue",
    "{} with a bent shape",
  ],
  pill: [
    "{} with color stain",
    "{} with contamination",
    "{} with crack",
    "{} with faulty imprint",
    "{} with scratch",
    "{} with abnormal type",
  ],
  transistor: [
    "{} with bent lead",
    "{} with cut lead",
    "{} with damage",
    "{} with misplaced transistor",
  ],
  metal_nut: [
    "{} with a bent shape ",
    "{} with color stain",
    "{} with a flipped orientation",
    "{} with scratch",
  ],
  screw: [
    "{} with manipulated front",
    "{} with scratch neck",
    "{} with scratch head",
  ],
  zipper: [
    "{} with broken teeth",
    "{} with fabric border",
    "{} with defect fabric",
    "{} with broken fabric",
    "{} with split teeth",
    "{} with squeezed teeth",
  ],
  tile: [
    "{} with crack",
    "{} with glue strip",
    "{} with gray stroke",
    "{} with oil",
    "{} with rough surface",
  ],
  wood: [
    "{} with color stain",
    "{} with hole",
    "{} with scratch",
    "{} with liquid",
  ],

  // VisA
  candle: [
    "{} with melded wax",
    "{} with foreign particals",
    "{} with extra wax",
    "{} with chunk of wax missing",
    "{} with weird candle wick",
    "{} with damaged corner of packaging",
    "{} with different colour spot",
  ],
  capsules: [
    "{} with scratch",
    "{} with discolor",
    "{} with misshape",
    "{} with leak",
    "{} with bubble",
  ],
  cashew: [
    "{} with breakage",
    "{} with small scratches",
    "{} with burnt",
    "{} with stuck together",
    "{} with spot",
  ],
  chewinggum: [
    "{} with corner missing",
    "{} with scratches",
    "{} with chunk of gum missing",
    "{} with colour spot",
    "{} with cracks",
  ],
  fryum: [
    "{} with breakage",
    "{} with scratches",
    "{} with burnt",
    "{} with colour spot",
    "{} with fryum stuck together",
    "{} with colour spot",
  ],
  macaroni1: [
    "{} with color spot",
    "{} with small chip around edge",
    "{} with small scratches",
    "{} with breakage",
    "{} with cracks",
  ],
  macaroni2: [
    "{} with color spot",
    "{} with small chip around edge",
    "{} with small scratches",
    "{} with breakage",
    "{} with cracks",
  ],
  pcb1: ["{} with bent", "{} with scratch", "{} with missing", "{} with melt"],
  pcb2: ["{} with bent", "{} with scratch", "{} with missing", "{} with melt"],
  pcb3: ["{} with bent", "{} with scratch", "{} with missing", "{} with melt"],
  pcb4: [
    "{} with scratch",
    "{} with extra",
    "{} with missing",
    "{} with wrong place",
    "{} with damage",
    "{} with burnt",
    "{} with dirt",
  ],
  pipe_fryum: [
    "{} with breakage",
    "{} with small scratches",
    "{} with burnt",
    "{} with stuck together",
    "{} with colour spot",
    "{} with cracks",
  ],
};

/**
 * Display names of class keys that are not written as plain words
 * (`class_mapping`); every other key is its own display name.
 */
export const PROMPTAD_CLASS_NAMES: Readonly<Record<string, string>> = {
  macaroni1: "macaroni",
  macaroni2: "macaroni",
  pcb1: "printed circuit board",
  pcb2: "printed circuit board",
  pcb3: "printed circuit board",
  pcb4: "printed circuit board",
  pipe_fryum: "pipe fryum",
  chewinggum: "chewing gum",
  metal_nut: "metal nut",
};
