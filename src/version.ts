/** Kept in step with package.json by the release checklist (docs/contributing.md). */
export const VERSION = '0.1.0';
