/** Version of the devprompt command; kept equal to apps/devprompt/package.json by a test. */
export const DEVPROMPT_VERSION = "0.1.0";

/** Program name and version, as recorded in run manifests. */
export const CREATED_BY = `devprompt ${DEVPROMPT_VERSION}`;
