/**
 * The default SimulationFactory: the library's Simulation (devices/simulation.ts),
 * loaded lazily so that the schema, `list` and `--help` work without it.
 */
import type { SimulationApi, SimulationOptions } from '../../devices/simulation/api';
import type { SimulationFactory } from './runner';

type SimulationModule = {
  Simulation?: new (opts: SimulationOptions) => SimulationApi;
  createSimulation?: (opts: SimulationOptions) => SimulationApi | Promise<SimulationApi>;
};

export const createDefaultSimulation: SimulationFactory = (opts) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require('../../devices/simulation/simulation') as SimulationModule;
  if (typeof mod.createSimulation === 'function') return mod.createSimulation(opts);
  if (typeof mod.Simulation === 'function') return new mod.Simulation(opts);
  throw new Error('devices/simulation exports neither Simulation nor createSimulation');
};
