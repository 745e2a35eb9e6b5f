/**
 * @packageDocumentation
 * @module @devprompt/metrics
 */

/** Name of this package on npm. */
export const PACKAGE_NAME = '@devprompt/metrics';
