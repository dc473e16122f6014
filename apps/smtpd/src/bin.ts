#!/usr/bin/env node
// Process entry point of smtpd: node dist/bin.js [--config FILE]
import { runDaemon } from '@mail/config';
import { start } from './main.js';

await runDaemon('smtpd', start);
