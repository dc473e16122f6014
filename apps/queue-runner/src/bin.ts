#!/usr/bin/env node
// Process entry point of queue-runner: node dist/bin.js [--config FILE]
import { runDaemon } from '@mail/config';
import { start } from './main.js';

await runDaemon('queue-runner', start);
