// One structured logger for the Worker: one JSON object per line, never secrets. Fields that
// identify a request (requestId, route, franchiseId) are bound once with `child`.
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
  /** Whether a line at `level` would be written (to skip building fields nobody will see). */
  enabled(level: Exclude<LogLevel, "silent">): boolean;
}

function parseLevel(level: string | undefined): LogLevel {
  return level !== undefined && level in ORDER ? (level as LogLevel) : "info";
}

export function createLogger(level: string | undefined, bound: LogFields = {}): Logger {
  return new JsonLogger(ORDER[parseLevel(level)], level, bound);
}

// A class, not closures: every request makes a logger and a child of it, and five fresh
// closures each time showed up in the hot read's profile.
class JsonLogger implements Logger {
  private readonly min: number;
  private readonly level: string | undefined;
  private readonly bound: LogFields;

  constructor(min: number, level: string | undefined, bound: LogFields) {
    this.min = min;
    this.level = level;
    this.bound = bound;
  }

  debug(msg: string, fields?: LogFields): void {
    this.emit("debug", msg, fields);
  }
  info(msg: string, fields?: LogFields): void {
    this.emit("info", msg, fields);
  }
  warn(msg: string, fields?: LogFields): void {
    this.emit("warn", msg, fields);
  }
  error(msg: string, fields?: LogFields): void {
    this.emit("error", msg, fields);
  }
  child(fields: LogFields): Logger {
    return new JsonLogger(this.min, this.level, { ...this.bound, ...fields });
  }
  enabled(level: Exclude<LogLevel, "silent">): boolean {
    return ORDER[level] >= this.min;
  }

  private emit(lvl: Exclude<LogLevel, "silent">, msg: string, fields?: LogFields): void {
    if (ORDER[lvl] < this.min) return;
    const line = JSON.stringify({ ts: new Date().toISOString(), level: lvl, msg, ...this.bound, ...fields });
    if (lvl === "error") console.error(line);
    else if (lvl === "warn") console.warn(line);
    else console.info(line);
  }
}
