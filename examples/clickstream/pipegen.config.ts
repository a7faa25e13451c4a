/**
 * The clickstream project's environments. Every spec renders for one of
 * them (`pipegen render --env prod`): the values below are what the specs
 * read as `env.<name>` (TypeScript) or `${env.<name>}` (YAML), and each
 * environment's `deploy` section is where `pipegen deploy --env` uploads and
 * what `pipegen iam --env` writes policies for.
 */
import { defineConfig } from "pipegen";

export default defineConfig({
  // Every environment has these unless it sets its own.
  values: {
    glueWorkers: 2,
  },
  environments: {
    dev: {
      values: {
        landingBucket: "clicks-landing-dev",
        lakeBucket: "clicks-lake-dev",
        workgroup: "analytics-dev",
        workgroupId: "0d6a3f9e-1c2b-4d5e-8f70-9a1b2c3d4e5f",
        redshiftSecret: "arn:aws:secretsmanager:us-east-1:111122223333:secret:airflow/redshift-dev-Ab12Cd",
        glueRole: "arn:aws:iam::111122223333:role/glue-clickstream-dev",
        unloadRole: "arn:aws:iam::111122223333:role/redshift-unload-dev",
        reportTopic: "arn:aws:sns:us-east-1:111122223333:clickstream-reports-dev",
        alertsTopic: "arn:aws:sns:us-east-1:111122223333:data-alerts-dev",
        recommenderFunction: "arn:aws:lambda:us-east-1:111122223333:function:session-recommender-dev",
      },
      deploy: { bucket: "dev-mwaa-source", account: "111122223333", region: "us-east-1", environment: "dev-airflow" },
    },
    prod: {
      values: {
        landingBucket: "clicks-landing",
        lakeBucket: "clicks-lake",
        workgroup: "analytics",
        workgroupId: "7e2c4b1a-9f3d-4e8a-b5c6-1d2e3f4a5b6c",
        redshiftSecret: "arn:aws:secretsmanager:us-east-1:444455556666:secret:airflow/redshift-Zy98Xw",
        glueRole: "arn:aws:iam::444455556666:role/glue-clickstream",
        unloadRole: "arn:aws:iam::444455556666:role/redshift-unload",
        reportTopic: "arn:aws:sns:us-east-1:444455556666:clickstream-reports",
        alertsTopic: "arn:aws:sns:us-east-1:444455556666:data-alerts",
        recommenderFunction: "arn:aws:lambda:us-east-1:444455556666:function:session-recommender",
        glueWorkers: 10,
      },
      deploy: { bucket: "prod-mwaa-source", account: "444455556666", region: "us-east-1", environment: "prod-airflow" },
    },
  },
});
