/** The test IAM evaluator (test/helpers/iam-eval.ts): given policies and a request, want this decision. */
import { describe, expect, it } from "vitest";
import { evaluate, type IamRequest, type NamedPolicy, wildcardMatch } from "../helpers/iam-eval.js";

const ROLE = "arn:aws:iam::111122223333:role/mwaa-exec";
const request = (over: Partial<IamRequest>): IamRequest => ({
  principal: ROLE,
  principalAccount: "111122223333",
  action: "s3:GetObject",
  resource: "arn:aws:s3:::b/in/2024/x.csv",
  resourceAccount: "111122223333",
  context: { "aws:userid": "AROA:exec" },
  ...over,
});
const policy = (...Statement: NamedPolicy["Statement"]): NamedPolicy => ({ name: "p.json", Statement });

describe("wildcardMatch", () => {
  it.each<[string, string, boolean]>([
    ["arn:aws:s3:::b/in/*", "arn:aws:s3:::b/in/2024/x.csv", true],
    ["arn:aws:s3:::b/in/*", "arn:aws:s3:::b/out/x", false],
    ["arn:aws:s3:::b/in/????/x.csv", "arn:aws:s3:::b/in/2024/x.csv", true],
    ["arn:aws:s3:::b/price${$}${*}.done", "arn:aws:s3:::b/price$*.done", true],
    ["arn:aws:s3:::b/price${$}${*}.done", "arn:aws:s3:::b/price$x.done", false],
    ["arn:aws:iam::1:role/*/glue-j", "arn:aws:iam::1:role/service-role/glue-j", true],
    ["arn:aws:iam::1:role/*/glue-j", "arn:aws:iam::1:role/glue-j", false],
    ["arn:aws:s3:::b/a.b", "arn:aws:s3:::b/aXb", false],
  ])("%s ~ %s → %s", (pattern, text, want) => {
    expect(wildcardMatch(pattern, text)).toBe(want);
  });
});

describe("evaluate", () => {
  const allowIn = policy({ Sid: "Read", Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::b/in/*"] });
  it.each<[string, NamedPolicy[], NamedPolicy | undefined, Partial<IamRequest>, boolean]>([
    ["an Allow on the resource pattern", [allowIn], undefined, {}, true],
    ["nothing allows: implicit deny", [allowIn], undefined, { resource: "arn:aws:s3:::b/out/x" }, false],
    [
      "actions match case-insensitively and with wildcards",
      [policy({ Effect: "Allow", Action: "S3:Get*", Resource: "*" })],
      undefined,
      {},
      true,
    ],
    [
      "an explicit Deny wins over an Allow",
      [allowIn, policy({ Effect: "Deny", Action: "s3:*", Resource: "arn:aws:s3:::b/in/2024/*" })],
      undefined,
      {},
      false,
    ],
    [
      "NotResource allows everything but the listed",
      [policy({ Effect: "Allow", Action: "kms:Decrypt", NotResource: "arn:aws:kms:*:111122223333:key/*" })],
      undefined,
      { action: "kms:Decrypt", resource: "arn:aws:kms:us-east-1:999999999999:key/k" },
      true,
    ],
    [
      "a StringLike condition on s3:prefix",
      [
        policy({
          Effect: "Allow",
          Action: "s3:ListBucket",
          Resource: "arn:aws:s3:::b",
          Condition: { StringLike: { "s3:prefix": ["in/*"] } },
        }),
      ],
      undefined,
      { action: "s3:ListBucket", resource: "arn:aws:s3:::b", context: { "s3:prefix": "out/" } },
      false,
    ],
    [
      "a condition key the request lacks fails the condition",
      [
        policy({
          Effect: "Allow",
          Action: "s3:ListBucket",
          Resource: "arn:aws:s3:::b",
          Condition: { StringEquals: { "s3:prefix": "in/" } },
        }),
      ],
      undefined,
      { action: "s3:ListBucket", resource: "arn:aws:s3:::b", context: {} },
      false,
    ],
    [
      "a policy variable in a condition: only statements this role started",
      [
        policy({
          Effect: "Allow",
          Action: "redshift-data:CancelStatement",
          Resource: "*",
          Condition: { StringEquals: { "redshift-data:statement-owner-iam-userid": "${aws:userid}" } },
        }),
      ],
      undefined,
      {
        action: "redshift-data:CancelStatement",
        resource: "*",
        context: { "aws:userid": "AROA:exec", "redshift-data:statement-owner-iam-userid": "AROA:other" },
      },
      false,
    ],
    [
      "cross-account: the identity allows, the bucket policy does not",
      [allowIn],
      policy({
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::111122223333:role/other" },
        Action: "s3:GetObject",
        Resource: "arn:aws:s3:::b/*",
      }),
      { resourceAccount: "444455556666" },
      false,
    ],
    [
      "cross-account: both allow",
      [allowIn],
      policy({ Effect: "Allow", Principal: { AWS: ROLE }, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }),
      { resourceAccount: "444455556666" },
      true,
    ],
    [
      "cross-account: the bucket policy alone is not enough",
      [],
      policy({ Effect: "Allow", Principal: { AWS: ROLE }, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }),
      { resourceAccount: "444455556666" },
      false,
    ],
    [
      "same account: a bucket policy naming the role is enough",
      [],
      policy({ Effect: "Allow", Principal: { AWS: ROLE }, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }),
      {},
      true,
    ],
    [
      "a bucket policy's Deny applies to every principal it names",
      [allowIn],
      policy({ Effect: "Deny", Principal: { AWS: "*" }, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }),
      {},
      false,
    ],
  ])("%s", (_, identity, resource, over, want) => {
    expect(evaluate(identity, resource, request(over)).allowed).toBe(want);
  });

  it("says which statement allowed", () => {
    expect(evaluate([allowIn], undefined, request({})).allowedBy).toEqual([
      { policy: "p.json", sid: "Read", action: "s3:GetObject" },
    ]);
  });
});
