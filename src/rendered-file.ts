/** What every renderer returns (the bundle, IAM documents, init's scaffold) and the write phase writes. */
export interface RenderedFile {
  /** Path inside the output folder, with forward slashes, e.g. `dags/products.py`. */
  readonly path: string;
  readonly content: string;
}
