/**
 * @packageDocumentation
 * @module @devprompt/datasets
 */

/** Name of this package on npm. */
export const PACKAGE_NAME = '@devprompt/datasets';
