#!/usr/bin/env node
// Process entry point of pop3d: node dist/bin.js [--config FILE]
import { runDaemon } from '@mail/config';
import { start } from './main.js';

await runDaemon('pop3d', start);
