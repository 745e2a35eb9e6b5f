/**
 * @packageDocumentation
 * @module @devprompt/prompt-learner
 */

/** Name of this package on npm. */
export const PACKAGE_NAME = '@devprompt/prompt-learner';
