/**
 * @packageDocumentation
 * @module @devprompt/clip-encoders
 */

/** Name of this package on npm. */
export const PACKAGE_NAME = '@devprompt/clip-encoders';
