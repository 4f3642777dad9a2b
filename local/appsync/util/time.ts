/**
 * `util.time`. Formats follow Java's DateTimeFormatter, as on AppSync; the local runtime knows
 * the common letters: yyyy yy MM dd HH mm ss SSS Z XXX and quoted literals.
 */

interface Clock {
  now(): number;
}

function fieldsAt(epochMs: number, timeZone: string) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(epochMs));
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const local = Date.UTC(
    part('year'),
    part('month') - 1,
    part('day'),
    part('hour'),
    part('minute'),
    part('second'),
  );
  const offsetMinutes = Math.round((local - (epochMs - (epochMs % 1000))) / 60_000);
  return {
    year: part('year'),
    month: part('month'),
    day: part('day'),
    hour: part('hour'),
    minute: part('minute'),
    second: part('second'),
    millisecond: ((epochMs % 1000) + 1000) % 1000,
    offsetMinutes,
  };
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function offset(minutes: number, separator: string): string {
  const sign = minutes < 0 ? '-' : '+';
  const absolute = Math.abs(minutes);
  return `${sign}${pad(Math.floor(absolute / 60), 2)}${separator}${pad(absolute % 60, 2)}`;
}

export function formatEpoch(epochMs: number, format: string, timeZone = 'UTC'): string {
  const f = fieldsAt(epochMs, timeZone);
  const tokens: Record<string, () => string> = {
    yyyy: () => pad(f.year, 4),
    yy: () => pad(f.year % 100, 2),
    MM: () => pad(f.month, 2),
    dd: () => pad(f.day, 2),
    HH: () => pad(f.hour, 2),
    mm: () => pad(f.minute, 2),
    ss: () => pad(f.second, 2),
    SSS: () => pad(f.millisecond, 3),
    XXX: () => (f.offsetMinutes === 0 ? 'Z' : offset(f.offsetMinutes, ':')),
    Z: () => offset(f.offsetMinutes, ''),
  };
  return format.replace(/'([^']*)'|yyyy|yy|MM|dd|HH|mm|ss|SSS|XXX|Z/g, (token, literal) =>
    literal !== undefined ? literal : tokens[token]!(),
  );
}

export function createTimeUtil(clock: Clock = Date) {
  return {
    nowISO8601: () => new Date(clock.now()).toISOString(),
    nowEpochSeconds: () => Math.floor(clock.now() / 1000),
    nowEpochMilliSeconds: () => clock.now(),
    nowFormatted: (format: string, timeZone?: string) => formatEpoch(clock.now(), format, timeZone),
    parseISO8601ToEpochMilliSeconds: (timestamp: string) => Date.parse(timestamp),
    epochMilliSecondsToSeconds: (milliseconds: number) => Math.floor(milliseconds / 1000),
    epochMilliSecondsToISO8601: (milliseconds: number) => new Date(milliseconds).toISOString(),
    epochMilliSecondsToFormatted: (milliseconds: number, format: string, timeZone?: string) =>
      formatEpoch(milliseconds, format, timeZone),
  };
}
