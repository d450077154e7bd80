#!/usr/bin/env node
// `ssad` command: the TypeScript entry, run through tsx with the workspace's path mapping.
import { fileURLToPath } from 'node:url';
import { runTsEntry } from '../../../tools/run-ts-entry.mjs';

await runTsEntry(fileURLToPath(new URL('../src/main.ts', import.meta.url)));
