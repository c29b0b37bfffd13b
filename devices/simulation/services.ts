/**
 * Service hosts of a Simulation as the library API shows them: an internet
 * host (`network.internet`) or a LAN PC with `service:` (`board: broker`).
 * A handle keeps one record of what its service did across restarts (a LAN
 * PC's service starts again each time the PC gets its address).
 */
import type { Simulator } from '../../sim/simulator';
import type { WorldClock } from '../clock';
import type { ConsoleApi } from '../contracts';
import type { HttpRequestRecord } from '../internet/http/server';
import type { MqttRecord } from '../internet/mqtt/broker';
import { startService, type Service } from '../internet/services';
import type { ServiceSpec } from '../internet/spec';
import type { PcBoard } from '../pc/board';
import type { HttpServerView, MqttBrokerView, RetainedMessage, ServiceHandle } from './api';

/** A fresh record of what a service did. */
export function newServiceRecord(): { mqtt: MqttRecord; http: HttpRequestRecord[] } {
  return { mqtt: { events: [], messages: [] }, http: [] };
}

export class ServiceHandleImpl implements ServiceHandle {
  private readonly mqttRecord: MqttRecord;
  private readonly httpRecord: HttpRequestRecord[];
  current: Service | undefined;
  readonly mqtt: MqttBrokerView | undefined;
  readonly http: HttpServerView | undefined;

  constructor(
    readonly id: string,
    readonly spec: ServiceSpec,
    readonly log: ConsoleApi,
    /** A LAN device (it has a DeviceHandle too), or an internet host. */
    readonly lan: boolean,
    rec = newServiceRecord(),
  ) {
    this.mqttRecord = rec.mqtt;
    this.httpRecord = rec.http;
    const self = this;
    this.mqtt =
      spec.service === 'mqtt'
        ? {
            events: this.mqttRecord.events,
            messages: this.mqttRecord.messages,
            retained(): RetainedMessage[] {
              const b = self.current?.mqtt;
              return b ? [...b.retained.values()].map((m) => ({ topic: m.topic, payload: new Uint8Array(m.payload), text: m.payload.toString('utf8'), qos: m.qos })) : [];
            },
            clients: () => self.current?.mqtt?.clients() ?? [],
          }
        : undefined;
    this.http = spec.service === 'http' ? { requests: this.httpRecord } : undefined;
  }

  get service(): ServiceSpec['service'] {
    return this.spec.service;
  }

  get port(): number {
    return this.current?.port ?? 0;
  }

  /** Is the service listening now? (A LAN PC's only once it has its address.) */
  running(): boolean {
    return this.current !== undefined;
  }

  record() {
    return { mqtt: this.mqttRecord, http: this.httpRecord };
  }
}

/** Starts a LAN PC's service each time it gets its address; the power going stops it with the PC's sockets. */
export function runOnPc(sim: Simulator, board: PcBoard, h: ServiceHandleImpl, clock: WorldClock): void {
  const host = { sim, id: board.id, sockets: board.sockets, net: board.net, clock, log: board.console };
  board.onReady(() => {
    h.current?.stop();
    h.current = startService(host, h.spec, h.record());
  });
  board.onPowerOff(() => {
    if (!h.current) return;
    h.current = undefined;
    board.console.write(`${h.spec.service} service stopped (power off)\n`);
  });
}
