#!/usr/bin/env node
// The `sealed` command. The sources are TypeScript, run through tsx like every package here.
import { register } from 'tsx/esm/api';

register();
await import('../src/entry.ts');
