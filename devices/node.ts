/**
 * What every device on the simulated network is: a node with an id, a
 * NetStack, TCP and sockets for its personality, and counters over all of
 * them. Boards (ESP32, PC) add a console, stdin and power; internet hosts and
 * the router are nodes without scripts. New device kinds extend these two.
 */
import type { Simulator } from '../sim/simulator';
import type { NetStack } from '../stack/netstack';
import type { SocketApi } from '../stack/socket/api';
import type { TcpLayerApi } from '../stack/tcp/api';
import type { Personality } from '../stack/personality';
import { boardCounters, buildTransport, resolveName, type Transport } from '../stack/transport';
import { Rtc } from './clock';
import { Console, Stdin } from './console';
import type { BoardApi, WlanApi } from './contracts';
import type { Gpio } from './gpio';
import type { FlashFs } from './fs/flash';
import type { Nic } from './nic';

export abstract class NetNode {
  readonly transport: Transport;

  protected constructor(
    readonly sim: Simulator,
    readonly id: string,
    readonly net: NetStack,
    personality: Personality,
  ) {
    this.transport = buildTransport(sim, id, net, personality);
  }

  /** The NIC whose frame counts the node's counters report. */
  protected abstract readonly mainNic: Nic;

  get sockets(): SocketApi {
    return this.transport.sockets;
  }

  get tcp(): TcpLayerApi {
    return this.transport.tcp;
  }

  /** DNS lookup through the node's resolver (IP literals answer at once). */
  resolve(host: string, cb: (ip: string | undefined) => void): void {
    resolveName(this.net, host, cb);
  }

  /** Every layer's counters, TCP's and the main NIC's frame counts. */
  counters(): Record<string, number> {
    return boardCounters(this.net, this.transport.tcp, this.mainNic);
  }
}

/** A board runs a script: console, stdin, power, reset, and the BoardApi its script's OS uses. */
export abstract class Board extends NetNode implements BoardApi {
  abstract readonly kind: 'esp32' | 'pc';
  abstract readonly syscallCostUs: number;
  abstract readonly gpio: Gpio | undefined;
  readonly console: Console;
  readonly stdin: Stdin;
  /** Real-time clock (time.time(), machine.RTC); the Simulation sets it at power-on. */
  readonly rtc: Rtc;
  /** Powered on (between powerOn() and powerOff()). */
  powered = false;
  /** The flash filesystem (an ESP32's always; a PC's when it has project files): it outlives resets. */
  flash: FlashFs | undefined;

  protected constructor(sim: Simulator, id: string, net: NetStack, personality: Personality) {
    super(sim, id, net, personality);
    this.console = new Console(sim, id);
    this.stdin = new Stdin(sim, id);
    this.rtc = new Rtc(sim);
  }

  abstract wlan(iface: number): WlanApi | undefined;
  abstract ipAddress(): string;
  abstract uniqueId(): Uint8Array;
  abstract powerOn(): void;
  abstract powerOff(): void;
  abstract reset(): void;

  /** What every board does when power goes: sockets and connections vanish, stdin readers stop. */
  protected dropConnections(): void {
    this.sockets.destroyAll();
    this.transport.tcp.destroyAll();
    this.stdin.dropWaiters();
  }
}
