/**
 * esp32sim: a deterministic simulator of ESP32 boards and PCs on a virtual WiFi LAN.
 *
 * Build a lab in a jest test, run it in virtual time, then read consoles, pins,
 * counters and the capture:
 *
 * ```ts
 * import { Simulation, parseDuration } from 'esp32sim';
 *
 * test('ESP32 blinks the LED and answers on the LAN', async () => {
 *   const lab = new Simulation({ seed: 1 }); // network defaults: esp32-lab / micropython, 192.168.1.0/24
 *   const pcap = lab.attachPcap();
 *   const esp = lab.addDevice({
 *     id: 'esp32', board: 'esp32', wifi: 'auto', ip: '192.168.1.50',
 *     script: { filename: 'main.py', language: 'micropython', source: 'import machine\nmachine.Pin(2, machine.Pin.OUT).on()\n' },
 *   });
 *   const pc = lab.addDevice({ id: 'pc', board: 'pc', startUs: parseDuration('1s') });
 *   await lab.run({ forUs: parseDuration('5s'), stopWhen: () => esp.pin(2) === 1 && pc.ip() !== '0.0.0.0' });
 *   expect(esp.ip()).toBe('192.168.1.50');
 *   expect(pc.ip()).toMatch(/^192\.168\.1\./);
 *   expect(esp.pinHistory(2).at(-1)?.[1]).toBe(1);
 *   pcap.writeFile('lab.pcap');
 *   await lab.close();
 * });
 * ```
 */
export { Simulation, createSimulation } from '../devices/simulation/simulation';
export type {
  DeviceHandle,
  DeviceSpec,
  InternetHostSpec,
  InternetService,
  LinkSpec,
  NetworkSpec,
  ScriptSpec,
  ScriptState,
  SimulationApi,
  SimulationOptions,
} from '../devices/simulation/api';
export * from '../devices/contracts';
export { Simulator, parseDuration, US_PER_MS, US_PER_S } from '../sim/simulator';
export type { Micros, RunOutcome, RunOptions } from '../sim/simulator';
export { PcapWriter } from '../sim/pcap';
export { PcapngWriter, LINKTYPE_IEEE802_11_RADIOTAP } from '../sim/pcapng';
export { Capture } from '../sim/capture';
export type { CaptureFormat } from '../sim/capture';
export { formatTime } from '../sim/trace';
export type { TraceRecord, TraceLayer } from '../sim/trace';
export { Esp32Board } from '../devices/esp32/board';
export { PcBoard } from '../devices/pc/board';

// Scenario files and the runner, for tests that drive a whole lab.
export { loadScenario, parseScenario } from './schema/index';
export { runScenario } from './runner/runner';
// TypeScript device scripts: `export default async function (env: TsEnv) { ... }`.
export { OSError, KeyboardInterrupt } from '../devices/runtime/typescript';
export type { TsEnv, TsSocket } from '../devices/runtime/typescript';
// A Node stream over a simulated socket, for TypeScript scripts that use Node client libraries (mqtt.js, ...).
export { socketStream } from './adapters/socket-stream';
export type { SocketStream, SocketStreamOptions } from './adapters/socket-stream';
// What the services of a simulation did (Simulation.services(), .service(id)).
export type {
  ServiceHandle,
  ServiceSpec,
  HttpRoute,
  HttpRequestRecord,
  MqttBrokerView,
  HttpServerView,
  MqttEvent,
  MqttEventKind,
  RoutedMessage,
  RetainedMessage,
} from '../devices/simulation/api';
