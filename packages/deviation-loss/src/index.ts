/**
 * @packageDocumentation
 * @module @devprompt/deviation-loss
 */

/** Name of this package on npm. */
export const PACKAGE_NAME = '@devprompt/deviation-loss';
