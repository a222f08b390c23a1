/**
 * Resident memory of a server process, read from `/proc` (Linux only).
 * @packageDocumentation
 */
import { readFileSync, readdirSync } from 'node:fs';
import type { MemorySample } from './types.js';

/** Reads one `kB` field (e.g. `VmRSS`) of `/proc/<pid>/status`; 0 when absent or unreadable. */
function statusField(pid: number, field: string): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status);
    return match?.[1] ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** The pid and every descendant of it (a launcher may run the real server as its child). */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Field 4 (ppid) follows the parenthesised command name, which may contain spaces.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // The process ended while scanning.
    }
  }
  const tree: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const next = queue.shift() as number;
    tree.push(next);
    queue.push(...(children.get(next) ?? []));
  }
  return tree;
}

/** Clock ticks per second of `/proc/<pid>/stat` times (USER_HZ): 100 on every Linux build Node supports. */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system) a process and its descendants have used so far, in microseconds;
 * `null` off Linux or when the process is gone. Resolution: 10 ms, so measure runs of seconds.
 */
export function sampleCpuMicros(pid: number | undefined): number | null {
  if (pid === undefined || process.platform !== 'linux') return null;
  let ticks = 0;
  let found = false;
  for (const member of processTree(pid)) {
    try {
      const stat = readFileSync(`/proc/${member}/stat`, 'utf8');
      // After the parenthesised name: state is field 3, utime field 14, stime field 15.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
      found = true;
    } catch {
      // The process ended while reading.
    }
  }
  return found ? (ticks * 1_000_000) / CLOCK_TICKS_PER_SECOND : null;
}

/**
 * RSS and peak RSS of a process and its descendants, in MiB; `null` off Linux or when the
 * process is gone.
 */
export function sampleMemory(pid: number | undefined): MemorySample | null {
  if (pid === undefined || process.platform !== 'linux') return null;
  let rssKiB = 0;
  let peakKiB = 0;
  for (const member of processTree(pid)) {
    rssKiB += statusField(member, 'VmRSS');
    peakKiB += statusField(member, 'VmHWM');
  }
  if (rssKiB === 0) return null;
  return { rssMiB: rssKiB / 1024, peakRssMiB: peakKiB / 1024 };
}
