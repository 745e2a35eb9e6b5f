import type { LossModuleFactory } from "../contract";
import { agreementLoss } from "./agreement-loss";
import { alignmentLoss } from "./alignment-loss";
import { deviationLoss } from "./deviation-loss";
import { marginLoss } from "./margin-loss";

/** The loss modules every new registry starts with. */
export const BUILT_IN_LOSSES: readonly LossModuleFactory[] = Object.freeze([
  alignmentLoss as LossModuleFactory,
  marginLoss as LossModuleFactory,
  agreementLoss as LossModuleFactory,
  deviationLoss as LossModuleFactory,
]);
