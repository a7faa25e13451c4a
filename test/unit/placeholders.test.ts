/** Given a templated string, want the Jinja that renders each date placeholder where it stands. */
import { describe, expect, it } from "vitest";
import { expandPlaceholders } from "../../src/spec/placeholders.js";

const D = "data_interval_start";
const d = (format: string) => `${D}.strftime('${format}')`;

describe("expandPlaceholders", () => {
  it.each<[string, string]>([
    ["no placeholder {{ ds }}", "no placeholder {{ ds }}"],
    ["day=${DD}/", `day={{ ${d("%d")} }}/`],
    ['{{ macros.ds_add("${DATE}", 1) }}', `{{ macros.ds_add(${d("%Y-%m-%d")}, 1) }}`],
    ["{{ 'day=${DD}/' ~ x }}", `{{ ('day=' ~ ${d("%d")} ~ '/') ~ x }}`],
    ['{{ "${YYYY}${MM}" | int }}', `{{ (${d("%Y")} ~ ${d("%m")}) | int }}`],
    ["{{ ${DATE_NODASH} | int + 1 }}", `{{ ${d("%Y%m%d")} | int + 1 }}`],
    ["{% if '${HH}' == '00' %}midnight{% endif %}", `{% if ${d("%H")} == '00' %}midnight{% endif %}`],
    ["{% raw %}{{ x }} ${YYYY}{% endraw %}", `{% raw %}{{ x }} {% endraw %}{{ ${d("%Y")} }}{% raw %}{% endraw %}`],
    ["a {# ${DATE} #} b", "a {# ${DATE} #} b"],
    // Not Jinja (validation refuses it): expanded as text.
    ["{{ '${DATE} }}", `{{ '{{ ${d("%Y-%m-%d")} }} }}`],
  ])("%s", (given, want) => {
    expect(expandPlaceholders(given, D)).toBe(want);
  });
});
