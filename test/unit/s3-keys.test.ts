/** Given a sensor key as written, want the form the Amazon provider can sense it in. */
import { describe, expect, it } from "vitest";
import { s3KeyForm } from "../../src/spec/s3-keys.js";

describe("s3KeyForm", () => {
  it.each<[string, string]>([
    ["in/${DATE}/x.csv", "relative"],
    ["/rooted/key", "relative"],
    ["a/b:c", "relative"],
    ["${HH}:00/x", "relative"],
    ["2024:x", "relative"],
    ["{{ ds }}:x", "relative"],
    ["{{ var.value.prefix }}/x", "relative"],
    ["part:${HH}/data.csv", "url"],
    [" x:y/z", "url"],
    ["d${DATE_NODASH}:x", "url"],
    ["a+b.c-d:e", "url"],
    ["part:{{ ds }}", "url"],
    ["s3://landing-bucket/x", "refused: is a URL ('s3://...'), but bucket already names the bucket"],
    ["https://example.com/x", "refused: is a URL ('https://...'), but bucket already names the bucket"],
    ["//in/x.csv", "refused: starts with //, which the provider reads as the network location of a URL"],
    [
      "part:x?.csv",
      "refused: has a URL scheme ('part:') and a '?', tab or line break, which the provider cannot read back from a URL",
    ],
    [
      "part:x\ty",
      "refused: has a URL scheme ('part:') and a '?', tab or line break, which the provider cannot read back from a URL",
    ],
    ["///x", "relative"],
  ])("%j → %s", (key, want) => {
    const form = s3KeyForm(key);
    expect(typeof form === "string" ? form : `refused: ${form.refused}`).toBe(want);
  });
});
