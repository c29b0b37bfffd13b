export * from './simulator';
export * from './rng';
export * from './trace';
export * from './pcap';
export * from './heap';
