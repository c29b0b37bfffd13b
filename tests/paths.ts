/** Where things are, for tests: the repository root and the bundled labs. */
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..');
export const LABS = path.join(REPO_ROOT, 'scenarios', 'labs');
/** The tutorial's own files (../shared/seed beside the repository). */
export const SEED = path.join(REPO_ROOT, '..', 'shared', 'seed');
