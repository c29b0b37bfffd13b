/** TypeScript device scripts: the env they see, and the two ways they run. */
export * from './env';
export { TsRuntime } from './runtime';
export { TsWorkerRuntime } from './worker-runtime';
