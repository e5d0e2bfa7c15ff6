import { randomBytes } from 'node:crypto';

// Tests sign tokens; each run gets its own secret.
process.env.AUTH_SECRET ??= randomBytes(48).toString('base64url');
