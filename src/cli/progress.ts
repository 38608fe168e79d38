// Build progress: a bar that redraws in place on a terminal, plain phase lines in CI logs.

import type { BuildEvent } from '../publish/build.ts';

export function progressReporter(out: NodeJS.WritableStream, isTTY: boolean, verbose: boolean): (event: BuildEvent) => void {
  let lastPlainPercent = -1;
  return (event) => {
    if (event.type === 'phase') {
      // Sub-phases (`discovery:search`) are for timings (the bench); the log names only the phases.
      if (event.phase.includes(':')) return;
      if (isTTY) out.write('\r\x1b[K');
      out.write(`· ${event.phase}\n`);
      return;
    }
    if (event.type === 'document') {
      if (verbose || event.action !== 'unchanged') {
        if (isTTY) out.write('\r\x1b[K');
        if (verbose || event.action === 'scheduled' || event.action === 'draft') out.write(`  ${event.action.padEnd(9)} ${event.file}\n`);
      }
      return;
    }
    const percent = Math.floor((event.done / Math.max(event.total, 1)) * 100);
    if (isTTY) {
      const width = 30;
      const filled = Math.round((percent / 100) * width);
      out.write(`\r  ${event.phase} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${event.done}/${event.total}`);
      if (event.done === event.total) out.write('\n');
    } else if (event.total >= 200 && percent >= lastPlainPercent + 10) {
      lastPlainPercent = percent - (percent % 10);
      out.write(`  ${event.phase}: ${event.done}/${event.total}\n`);
    }
  };
}
