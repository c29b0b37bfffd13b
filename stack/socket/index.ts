export * from './api';
export { SocketLayer, type SocketLayerOptions } from './layer';
export { planWait, type WaitPlan, type TimeoutMode } from './waits';
