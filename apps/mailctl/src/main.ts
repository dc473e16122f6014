// mailctl as a library: the command table, so tests can run commands in-process.
export { run } from './cli-run.js';
