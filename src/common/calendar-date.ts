/** A calendar date as records write it: `YYYY-MM-DD`. */
export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The date a `YYYY-MM-DD` string names, or null when it is not a real date. */
export function calendarDate(value: unknown): CalendarDate | null {
  const match = typeof value === 'string' ? DATE.exec(value) : null;
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const daysInMonth = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return daysInMonth !== undefined && day >= 1 && day <= daysInMonth ? { year, month, day } : null;
}

/**
 * Whole years from a birth date to `now`'s UTC calendar date. The birthday itself counts; someone
 * born on 29 February turns a year older on 1 March in other years.
 */
export function ageOn(birth: CalendarDate, now: Date): number {
  const [year, month, day] = [now.getUTCFullYear(), now.getUTCMonth() + 1, now.getUTCDate()];
  return year - birth.year - (month < birth.month || (month === birth.month && day < birth.day) ? 1 : 0);
}
