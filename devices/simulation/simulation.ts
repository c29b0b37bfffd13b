/**
 * The library API's Simulation: a Simulator, the lab router/AP with its WiFi
 * medium, the simulated internet, and the devices a test or scenario adds.
 * Boards power on at their start time; an ESP32 with `wifi: 'auto'` first
 * joins the lab WiFi (like the tutorial's firmware) and starts its script once
 * it has an address, a PC once its DHCP (or static) address is up.
 */
import { Capture } from '../../sim/capture';
import { PcapWriter } from '../../sim/pcap';
import { emitRadiotap } from '../../stack/wire/dot11';
import { Simulator } from '../../sim/simulator';
import { parseIp, type Ipv4Addr } from '../../stack/wire/types';
import { DEFAULT_WALL_TIMEOUT_MS, type DeviceHandle, type DeviceSpec, type InternetHostSpec, type Notice, type ServiceHandle, type SimRunOutcome, type SimulationApi, type SimulationOptions } from './api';

import { DEFAULT_NTP_NAME, resolveNetwork, Router } from '../ap/router';
import { STAT_ASSOC_FAIL, STAT_CONNECTING, STAT_GOT_IP, STAT_IDLE } from '../contracts';
import { Esp32Board } from '../esp32/board';
import { DeviceHandleImpl } from './handle';
import type { Board } from '../node';
import { InternetHost } from '../internet/host';
import { Airspace } from '../medium/airspace';
import { Air } from '../medium/air';
import { DEFAULT_WIFI_LINK, mergeLink } from '../medium/link';
import { parseClock, WorldClock } from '../clock';
import { PcBoard } from '../pc/board';
import { buildRuntime, launchScript, type LaunchOptions } from './launch';
import { FlashFs, freshFlash, loadProject } from '../fs/flash';
import type { ScriptRuntime } from '../runtime/contract';
import { WallClock, type WallHit } from '../runtime/wallclock';
import { newServiceRecord, runOnPc, ServiceHandleImpl } from './services';
import { HostGateway } from '../internet/gateway';
import { TapPort } from '../ap/tap-port';
import { applyExternal, type ExternalInput } from './external';

/** Where `pool.ntp.org` is when the scenario puts no host there: a stratum 2 pool server 12 ms beyond the router. */
export const POOL_NTP_HOST: InternetHostSpec = { name: DEFAULT_NTP_NAME, ip: '162.159.200.1', service: 'ntp', port: 123, latencyUs: 12_000 };

export { DEFAULT_WALL_TIMEOUT_MS } from './api';
export const DEFAULT_WATCHDOG_MS = 30_000;

export class Simulation implements SimulationApi {
  readonly sim: Simulator;
  readonly airspace = new Airspace();
  /** 802.11 frames between radios outside any BSS (ESP-NOW), on the lab WiFi's link defaults. */
  readonly air: Air;
  readonly router: Router;
  readonly internet: InternetHost[] = [];
  /** The simulated world's date (SimulationOptions.clock): NTP, PCs' clocks, the daytime service. */
  readonly world: WorldClock;
  /** The host gateway on the WAN side (SimulationOptions.gateway): forwards and exposed services. */
  readonly gateway: HostGateway | undefined;
  /** The TAP station on the lab WiFi (SimulationOptions.tap). */
  readonly tap: TapPort | undefined;
  private readonly handles = new Map<string, DeviceHandleImpl>();
  private readonly serviceHandles = new Map<string, ServiceHandleImpl>();
  private readonly opts: Required<Pick<SimulationOptions, 'seed' | 'watchdogMs' | 'wallTimeoutMs'>> & Pick<SimulationOptions, 'workerJitterMs' | 'gcEveryCall' | 'memoryCapBytes'>;
  private closed = false;
  /** The wall-clock safety nets (watchdog, whole-run limit); they never reach simulated code. */
  private readonly clock: WallClock;
  private readonly bootWaits = new Map<string, { unsubscribe(): void }>();
  /** Runtimes built when their device was added, so VMs boot while the simulation runs up to their start. */
  private readonly prebuilt = new Map<string, ScriptRuntime>();
  /** Devices whose script is the /main.py of their flash. */
  private readonly fromFlash = new Set<string>();
  private frameObservers: ((us: number, frame: Uint8Array) => void)[] = [];
  private radioObservers: ((us: number, frame: Uint8Array, channel: number, rateKbps: number) => void)[] = [];
  private noticeObservers: ((n: Notice) => void)[] = [];
  private readonly noticed = new Set<string>();

  constructor(opts: SimulationOptions = {}) {
    this.opts = {
      seed: opts.seed ?? 1,
      watchdogMs: opts.watchdogMs ?? DEFAULT_WATCHDOG_MS,
      memoryCapBytes: opts.memoryCapBytes,
      wallTimeoutMs: opts.wallTimeoutMs ?? DEFAULT_WALL_TIMEOUT_MS,
      workerJitterMs: opts.workerJitterMs,
      gcEveryCall: opts.gcEveryCall,
    };
    this.clock = new WallClock(this.opts.watchdogMs, this.opts.wallTimeoutMs);
    this.sim = new Simulator(this.opts.seed);
    this.world = new WorldClock(this.sim, parseClock(opts.clock));
    this.airspace.tapAll((frame) => {
      for (const fn of this.frameObservers) fn(this.sim.now, frame);
    });
    this.router = new Router(this.sim, this.airspace, resolveNetwork(opts.network), this.world);
    this.air = new Air(this.sim, mergeLink(DEFAULT_WIFI_LINK, opts.network?.wifi));
    this.air.addTap((us, frame, channel, rateKbps) => {
      for (const fn of this.radioObservers) fn(us, frame, channel, rateKbps);
    });
    this.router.radio.onRefused((station) => {
      if (this.noticed.has(`refused:${station}`)) return;
      this.noticed.add(`refused:${station}`);
      const { ssid, maxClients } = this.router.network;
      this.notice(station, `${station} was refused by the access point "${ssid}": it admits ${maxClients} stations and all are taken (raise network: max-clients:)`);
    });
    for (const h of opts.network?.internet ?? []) this.addInternetHost(h);
    const ntpName = DEFAULT_NTP_NAME.toLowerCase();
    if (!(opts.network?.internet ?? []).some((h) => h.name.toLowerCase() === ntpName)) this.addInternetHost(POOL_NTP_HOST);
    this.gateway = opts.gateway ? new HostGateway(this.sim, this.router, opts.gateway) : undefined;
    this.tap = opts.tap ? new TapPort(this.sim, this.router.radio) : undefined;
    this.sim.trace.emit('sim', 'sim', 'start', { seed: this.opts.seed });
  }

  /** Adds a host beyond the router (also from NetworkSpec.internet). */
  addInternetHost(spec: InternetHostSpec): InternetHost {
    const record = newServiceRecord();
    const host = new InternetHost(this.sim, this.router, spec, this.world, record);
    const handle = new ServiceHandleImpl(spec.name, spec, host.log, false, record);
    handle.current = host.service;
    this.internet.push(host);
    this.serviceHandles.set(spec.name.toLowerCase(), handle);
    return host;
  }

  services(): ServiceHandle[] {
    return [...this.serviceHandles.values()];
  }

  service(id: string): ServiceHandle {
    const h = this.serviceHandles.get(id.toLowerCase());
    if (!h) throw new Error(`no service host "${id}" (have: ${[...this.serviceHandles.values()].map((x) => x.id).join(', ') || 'none'})`);
    return h;
  }

  addDevice(spec: DeviceSpec): DeviceHandle {
    if (this.handles.has(spec.id)) throw new Error(`device "${spec.id}" already exists`);
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(spec.id)) throw new Error(`bad device id "${spec.id}" (letters, digits, - and _)`);
    const ip = spec.ip !== undefined ? parseIp(spec.ip) : undefined;
    if (spec.ip !== undefined && ip === undefined) throw new Error(`device "${spec.id}": bad ip "${spec.ip}"`);
    if (spec.files && !spec.script) {
      // A project: the board runs /main.py from its flash, read again at every boot.
      this.fromFlash.add(spec.id);
      spec = { ...spec, script: { filename: 'main.py', source: '', language: 'micropython' } };
    }
    const board = spec.board === 'esp32' ? this.buildEsp32(spec, ip) : this.buildPc(spec, ip);
    if (spec.board === 'esp32' || spec.files) {
      const flash = spec.board === 'esp32' ? freshFlash() : new FlashFs();
      loadProject(flash, spec.files ?? {});
      flash.clock = () => Math.floor(board.rtc.nowUs() / 1e6);
      board.flash = flash;
    }
    const handle = new DeviceHandleImpl(this.sim, spec, board, this.airspace, this.air);
    this.handles.set(spec.id, handle);
    if (spec.link) handle.applyLink(spec.link);
    for (const line of spec.stdin ?? []) board.stdin.push(line);
    this.sim.trace.emit(spec.id, 'sim', 'device-added', { board: spec.board, startUs: spec.startUs ?? 0 });
    if (spec.script) {
      try {
        this.prebuilt.set(spec.id, buildRuntime(board.kind, spec.script, this.launchOptions(handle)));
      } catch {
        // launchScript builds it again at start and reports the failure on the console.
      }
    }
    this.sim.at(spec.startUs ?? 0, () => this.boot(handle));
    return handle;
  }

  private buildEsp32(spec: DeviceSpec, ip: Ipv4Addr | undefined): Esp32Board {
    const { ssid, password } = this.router.network;
    const board = new Esp32Board({ id: spec.id, sim: this.sim, airspace: this.airspace, air: this.air, labNetwork: { ssid, password } });
    for (const p of spec.parts ?? []) board.hw.parts.add(p);
    this.router.registerDevice(spec.id, board.staNic.mac);
    if (ip !== undefined) this.router.reserve(board.staNic.mac, ip);
    board.onReset(() => {
      const h = this.handles.get(spec.id);
      if (h) this.boot(h, true);
    });
    board.onHalt(() => {
      const h = this.handles.get(spec.id);
      h?.process?.kill('deep sleep');
      if (h) h.process = undefined;
    });
    return board;
  }

  private buildPc(spec: DeviceSpec, ip: Ipv4Addr | undefined): PcBoard {
    const isStatic = spec.static === true && ip !== undefined;
    const lan = this.router.lanIp;
    const board = new PcBoard({
      id: spec.id,
      sim: this.sim,
      ap: this.router.radio,
      staticIp: isStatic ? { ip: ip!, prefixLen: this.router.dhcp.prefixLen, gateway: lan, dns: lan } : undefined,
    });
    board.rtc.set(this.world.unixUs());
    this.router.registerDevice(spec.id, board.nic.mac, isStatic ? ip : undefined);
    if (ip !== undefined && !isStatic) this.router.reserve(board.nic.mac, ip);
    if (spec.service) {
      if (this.serviceHandles.has(spec.id.toLowerCase())) throw new Error(`"${spec.id}" is already the name of a service host`);
      const sh = new ServiceHandleImpl(spec.id, spec.service, board.console, true);
      this.serviceHandles.set(spec.id.toLowerCase(), sh);
      runOnPc(this.sim, board, sh, this.world);
    }
    board.onReady(() => {
      const h = this.handles.get(spec.id);
      if (h) this.startScript(h);
    });
    return board;
  }

  /** Power-on (or reset) of a board: ESP32 boot joins WiFi first when `wifi: 'auto'`. */
  private boot(h: DeviceHandleImpl, afterReset = false): void {
    if (this.closed) return;
    h.process?.kill('reset');
    h.process = undefined;
    const board = h.board;
    if (!afterReset) board.powerOn();
    if (!(board instanceof Esp32Board)) return; // a PC starts its script once it has an address (onReady)
    if (!afterReset) board.rtc.set(0); // the RTC starts at 2000-01-01 at power-on; machine.reset() keeps it
    if ((h.spec.wifi ?? 'auto') === 'none') {
      this.startScript(h);
      return;
    }
    const net = this.router.network;
    board.sta.active(true);
    board.sta.connect(net.ssid, net.password);
    // The firmware's boot waits for an address (or a definite failure), then runs main.py.
    this.bootWaits.get(h.id)?.unsubscribe();
    const sub = board.sta.station.actor.subscribe(() => {
      const st = board.sta.status();
      if (st === STAT_CONNECTING || st === STAT_IDLE) return;
      sub.unsubscribe();
      this.bootWaits.delete(h.id);
      if (st !== STAT_GOT_IP) this.sim.trace.emit(h.id, 'wifi', 'boot-join-failed', { status: st });
      if (st === STAT_ASSOC_FAIL) {
        board.console.write(`WiFi: could not join "${net.ssid}": the access point refused the association (it is full); WLAN.status() is ${st} (STAT_ASSOC_FAIL)\n`);
      }
      this.sim.schedule(0, () => this.startScript(h));
    });
    this.bootWaits.set(h.id, sub);
  }

  private startScript(h: DeviceHandleImpl): void {
    if (this.closed || !h.spec.script || (h.process && h.process.state === 'running')) return;
    const prebuilt = this.prebuilt.get(h.id);
    this.prebuilt.delete(h.id);
    h.process = launchScript(h.board, h.spec.script, this.launchOptions(h), prebuilt);
  }

  private launchOptions(h: { board: { kind: string }; spec: DeviceSpec }): LaunchOptions {
    const { ssid, password } = this.router.network;
    const auto = h.board.kind === 'esp32' && (h.spec.wifi ?? 'auto') === 'auto';
    return {
      seed: this.opts.seed,
      clock: this.clock,
      now: () => this.sim.now,
      memoryCapBytes: this.opts.memoryCapBytes,
      heapBytes: h.spec.heapBytes,
      bootWifi: auto ? { ssid, password } : undefined,
      jitterMs: this.opts.workerJitterMs,
      gcEveryCall: this.opts.gcEveryCall,
      flash: (h.board as { flash?: FlashFs }).flash,
      mainFromFlash: this.fromFlash.has(h.spec.id),
    };
  }

  device(id: string): DeviceHandle {
    const h = this.handles.get(id);
    if (!h) throw new Error(`no device "${id}" (have: ${[...this.handles.keys()].join(', ') || 'none'})`);
    return h;
  }

  devices(): DeviceHandle[] {
    return [...this.handles.values()];
  }

  async run(opts: { forUs?: number; untilUs?: number; stopWhen?: () => boolean } = {}): Promise<SimRunOutcome> {
    const clock = this.clock;
    if (clock.hit) return 'wall-timeout';
    let n = 0;
    // The wall-clock limit is checked every 256 events (a script stuck between events is the runtimes' watchdog's).
    const stop = () => ((++n & 255) === 0 && clock.expired()) || (opts.stopWhen?.() ?? false);
    clock.beginRun();
    try {
      const outcome = await this.sim.run({ for: opts.forUs, until: opts.untilUs, stopWhen: stop });
      return clock.hit ? 'wall-timeout' : outcome;
    } finally {
      clock.endRun();
    }
  }

  /**
   * Applies an external input at the current virtual time and traces it (devices/simulation/external.ts):
   * call it between run() calls. A tcp-open answers the connection's number.
   */
  input(ev: ExternalInput): number | undefined {
    return applyExternal({ sim: this.sim, device: (id) => this.device(id), gateway: this.gateway, tap: this.tap }, ev);
  }

  wallTimeout(): WallHit | undefined {
    return this.clock.hit;
  }

  private notice(device: string, text: string): void {
    const n = { t: this.sim.now, device, text };
    for (const fn of this.noticeObservers) fn(n);
  }

  onNotice(fn: (n: Notice) => void): () => void {
    this.noticeObservers = [...this.noticeObservers, fn];
    return () => {
      this.noticeObservers = this.noticeObservers.filter((x) => x !== fn);
    };
  }

  onFrame(fn: (us: number, frame: Uint8Array) => void): () => void {
    this.frameObservers = [...this.frameObservers, fn];
    return () => {
      this.frameObservers = this.frameObservers.filter((x) => x !== fn);
    };
  }

  onRadioFrame(fn: (us: number, frame: Uint8Array, channel: number, rateKbps: number) => void): () => void {
    this.radioObservers = [...this.radioObservers, fn];
    return () => {
      this.radioObservers = this.radioObservers.filter((x) => x !== fn);
    };
  }

  attachPcap(): PcapWriter {
    const pcap = new PcapWriter();
    this.onFrame((us, frame) => pcap.add(us, frame));
    return pcap;
  }

  attachCapture(): Capture {
    const cap = new Capture();
    this.onFrame((us, frame) => cap.ethernet(us, frame));
    this.onRadioFrame((us, frame, channel, rateKbps) => cap.radio(us, emitRadiotap(channel, rateKbps), frame));
    return cap;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const h of this.handles.values()) {
      h.process?.kill('simulation closed');
    }
    for (const rt of this.prebuilt.values()) rt.kill();
    this.clock.close();
    this.gateway?.stop();
    this.prebuilt.clear();
    this.sim.trace.emit('sim', 'sim', 'close');
  }
}

export function createSimulation(opts: SimulationOptions = {}): Simulation {
  return new Simulation(opts);
}
