// vite hands `VITE_*` variables of the test run to `import.meta.env`, in workerd too.
interface ImportMetaEnv {
  readonly VITE_FUZZ_SEED?: string;
}
interface ImportMeta {
  readonly env: ImportMetaEnv;
}
