/**
 * Built-in services of simulated internet hosts, driven by TypeScript
 * callbacks on the host's socket layer: starwars (telnet animation), echo,
 * discard, daytime, http (HTTP/1.0).
 */
import type { InternetHostSpec } from '../api';
import type { InternetHost } from './host';

export interface Service {
  stop(): void;
}

export function startService(_host: InternetHost, _spec: InternetHostSpec): Service | undefined {
  return undefined;
}
