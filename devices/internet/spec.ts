/**
 * What a scenario or a test says about a service host: which service, on which
 * port, and the service's own settings (HTTP routes, MQTT users). The same
 * spec starts a service on an internet host or on a LAN PC (`board: broker`).
 */
import type { HttpRoute } from './http/server';

export type InternetService = 'starwars' | 'echo' | 'discard' | 'http' | 'daytime' | 'ntp' | 'mqtt';

export const SERVICES: readonly InternetService[] = ['starwars', 'echo', 'discard', 'http', 'daytime', 'ntp', 'mqtt'];

/** The well-known port of each service, used when a spec gives none. */
export const DEFAULT_PORTS: Record<InternetService, number> = { starwars: 23, echo: 7, discard: 9, http: 80, daytime: 13, ntp: 123, mqtt: 1883 };

export interface ServiceSpec {
  service: InternetService;
  /** Default: the service's well-known port (DEFAULT_PORTS). */
  port?: number;
  /** http: what the server answers (without routes: one page at / and /index.html). */
  routes?: HttpRoute[];
  /** mqtt: usernames and passwords the broker accepts (without: anyone may connect). */
  users?: Record<string, string>;
}

export interface InternetHostSpec extends ServiceSpec {
  name: string;
  ip: string;
  /** One-way WAN latency between the router and this host. */
  latencyUs?: number;
}

export type { HttpRoute } from './http/server';
