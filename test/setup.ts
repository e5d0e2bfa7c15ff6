import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

// Tests sign tokens; each run gets its own secret.
process.env.AUTH_SECRET ??= randomBytes(48).toString('base64url');

// The audit checkpoint is kept in DATA_DIR: tests keep theirs out of the working copy's ./data
// (one file per database, so test files running side by side never share one).
process.env.DATA_DIR ??= path.join(os.tmpdir(), 'ecs-test-data');
