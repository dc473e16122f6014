// Whether a process is still there (a test waiting for a daemon, or its children, to be gone).

/** True while process `pid` exists (signal 0 reaches it). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
