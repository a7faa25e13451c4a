/**
 * The start date of a spec: `YYYY-MM-DD`, optionally `THH:MM[:SS][Z]`, in
 * UTC. The pattern only fixes the shape; every part is then checked against
 * what Python's datetime accepts, because a part out of range (hour 25,
 * minute 60, February 30, year 0) would otherwise reach the DAG file.
 */

export const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?Z?)?$/;

/** A calendar date and time of day, in UTC. */
export interface DateTimeParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

/** The parts of a date that matches ISO_DATE (missing time parts are 0); undefined when it does not match. */
export function dateTimeParts(iso: string): DateTimeParts | undefined {
  const m = ISO_DATE.exec(iso);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1).map((part) => Number(part ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return { year, month, day, hour, minute, second };
}

/** Days in a month of the proleptic Gregorian calendar (Python's). */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Why a date matching ISO_DATE is not a real date and time, or undefined when it is one. */
export function dateTimeProblem(iso: string): string | undefined {
  const d = dateTimeParts(iso);
  if (!d) return "must be an ISO date such as 2024-01-01 or 2024-01-01T06:00Z (UTC)";
  if (d.year < 1) return "is not a real date: there is no year 0";
  if (d.month < 1 || d.month > 12) return `is not a real date: month ${pad(d.month)} is outside 01-12`;
  const days = daysInMonth(d.year, d.month);
  if (d.day < 1 || d.day > days)
    return `is not a real date: ${d.year}-${pad(d.month)} has days 01-${days}, not ${pad(d.day)}`;
  if (d.hour > 23) return `is not a real time: hour ${pad(d.hour)} is outside 00-23`;
  if (d.minute > 59) return `is not a real time: minute ${pad(d.minute)} is outside 00-59`;
  if (d.second > 59) return `is not a real time: second ${pad(d.second)} is outside 00-59`;
  return undefined;
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}
