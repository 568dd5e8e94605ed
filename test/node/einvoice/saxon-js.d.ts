// saxon-js ships no type declarations; this is the one call the EN 16931 harness makes.
declare module "saxon-js" {
  interface TransformOptions {
    stylesheetFileName: string;
    sourceText: string;
    destination: "serialized";
  }
  const SaxonJS: { transform(options: TransformOptions, mode: "async"): Promise<{ principalResult: unknown }> };
  export default SaxonJS;
}
