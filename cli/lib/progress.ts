// A progress bar on stderr (redrawn in place on a terminal, a line every 10 % otherwise).

export function progressBar(total: number, label: string) {
  const started = performance.now();
  const tty = process.stderr.isTTY === true;
  let lastDecile = -1;
  return {
    update(done: number) {
      const frac = total === 0 ? 1 : done / total;
      const secs = ((performance.now() - started) / 1000).toFixed(1);
      const width = 30;
      const bar = "#".repeat(Math.round(frac * width)).padEnd(width, ".");
      const text = `${label} [${bar}] ${done}/${total} ${(frac * 100).toFixed(0)}% ${secs}s`;
      if (tty) process.stderr.write(`\r${text}`);
      else {
        const decile = Math.floor(frac * 10);
        if (decile !== lastDecile) {
          lastDecile = decile;
          process.stderr.write(`${text}\n`);
        }
      }
    },
    done() {
      if (tty) process.stderr.write("\n");
    },
  };
}
