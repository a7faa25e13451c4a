/**
 * How the Amazon provider reads an S3KeySensor's key. With a bucket, the
 * key must not parse as a URL: S3Hook.get_s3_bucket_key runs Python's
 * urllib.parse.urlsplit on it and refuses any scheme or network location, on
 * every poke. So `part:${HH}/data.csv` (scheme "part") and `//x` (netloc
 * "x") fail, and so does a full `s3://bucket/key`. A key with a scheme still
 * works as a URL without the bucket (`s3://bucket/part:06/data.csv`), which
 * S3Hook.parse_s3_url splits with urlsplit too: so it must hold no `?` (a
 * query to urlsplit) and no tab or line break (urlsplit drops them).
 */
import { PARAM_PLACEHOLDER, PLACEHOLDERS } from "./placeholders.js";

export type S3KeyForm =
  /** Relative to the bucket: as written (also when raw Jinja decides what the key starts with). */
  | "relative"
  /** Has a URL scheme: sensed as `s3://<bucket>/<key>` without `bucket_name`. */
  | "url"
  /** Cannot be sensed: the reason. */
  | { readonly refused: string; readonly hint: string };

// urlsplit's scheme characters.
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*$/;

/** The form a sensor key takes, from the key as written in the spec. */
export function s3KeyForm(key: string): S3KeyForm {
  // Date placeholders render to digits and '-', all scheme characters; a digit stands for each. A param
  // renders to letters, digits and . _ / = - (validation allows no other): a letter may start a scheme, so one stands for it.
  const text = key
    .replace(/\$\{(\w+)\}/g, (m, name: string) => (name in PLACEHOLDERS ? "0" : m))
    .replace(new RegExp(PARAM_PLACEHOLDER.source, "g"), "a");
  // Raw Jinja renders to text unknown here: only what comes before it decides.
  const jinja = text.search(/\{[{%#]/);
  const complete = jinja < 0;
  // What urlsplit does first: strip leading C0 controls and spaces, drop tabs and line breaks.
  const known = stripLeadingControls(complete ? text : text.slice(0, jinja)).replace(/[\t\r\n]/g, "");
  const colon = known.indexOf(":");
  const scheme = colon > 0 && SCHEME.test(known.slice(0, colon));
  if (!scheme && colon < 0 && !complete) return "relative";
  const rest = scheme ? known.slice(colon + 1) : known;
  if (rest.startsWith("//") && rest.length > 2 && !"/?#".includes(rest[2]!)) {
    if (scheme)
      return {
        refused: `is a URL ('${known.slice(0, colon)}://...'), but bucket already names the bucket`,
        hint: "give the key relative to the bucket, without the scheme and the bucket name",
      };
    return {
      refused: "starts with //, which the provider reads as the network location of a URL",
      hint: "S3KeySensor cannot sense a key that starts with two slashes",
    };
  }
  if (!scheme) return "relative";
  if (/[?\t\r\n]/.test(key))
    return {
      refused: `has a URL scheme ('${known.slice(0, colon)}:') and a '?', tab or line break, which the provider cannot read back from a URL`,
      hint: "remove the ':' or the '?' (a wildcard '?' can be '*')",
    };
  return "url";
}

/** Drops leading characters U+0000 to U+0020, as urlsplit does (WHATWG C0 controls and space). */
function stripLeadingControls(text: string): string {
  let i = 0;
  while (i < text.length && text.charCodeAt(i) <= 0x20) i++;
  return text.slice(i);
}
