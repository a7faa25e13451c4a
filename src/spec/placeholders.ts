/**
 * Date placeholders in templated strings. A spec writes
 * `products/year=${YYYY}/month=${MM}/day=${DD}/` and the renderer turns each
 * placeholder into a Jinja expression that Airflow resolves at run time from
 * the run's data interval, never at parse time.
 */

/** Placeholder name → strftime format of the run's partition date. */
export const PLACEHOLDERS = {
  YYYY: "%Y",
  MM: "%m",
  DD: "%d",
  HH: "%H",
  DATE: "%Y-%m-%d",
  DATE_NODASH: "%Y%m%d",
} as const;

export type PlaceholderName = keyof typeof PLACEHOLDERS;

export const PLACEHOLDER_NAMES = Object.keys(PLACEHOLDERS) as PlaceholderName[];

const PLACEHOLDER_PATTERN = /\$\{(YYYY|MM|DD|HH|DATE|DATE_NODASH)\}/g;

/**
 * Replaces placeholders with Jinja that formats `dateExpression`, a Jinja
 * expression for the partition date that suits the target Airflow version.
 */
export function expandPlaceholders(text: string, dateExpression: string): string {
  return text.replace(
    PLACEHOLDER_PATTERN,
    (_, name: PlaceholderName) => `{{ ${dateExpression}.strftime('${PLACEHOLDERS[name]}') }}`,
  );
}
